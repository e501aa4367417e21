import CallModel
import Foundation
import Logging
import MQTTClient
import Presence
import ServiceLifecycle

/// Runs the agent desk: restores it at start, then feeds it phone events and phone status in arrival order,
/// ACD offers from the bus, and time (wrap timers, ring limits, offer expiry), until graceful shutdown.
struct AgentService: Service, CustomStringConvertible {
    let coordinator: AgentCoordinator
    let events: AsyncStream<PhoneEvent>
    let statuses: AsyncStream<PhoneStatusChange>
    let client: MQTTClient
    let topics: Topics
    let logger: Logger

    var description: String { "AgentService" }

    /// The longest the timer sleeps before looking at the desk's next deadline again.
    static let timerGranularity: Duration = .milliseconds(100)

    func run() async throws {
        try await coordinator.restoreAndPublish()
        let coordinator = self.coordinator
        let offers = client.messages()
        try? await client.subscribe(topics.acdOffers, qos: .atLeastOnce)
        do {
            try await cancelWhenGracefulShutdown {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await event in events { await coordinator.handle(event) }
                    }
                    group.addTask {
                        for await change in statuses { await coordinator.phoneStatusChanged(change.phone, online: change.online) }
                    }
                    group.addTask { await Self.runTimer(coordinator) }
                    group.addTask { await Self.takeOffers(offers, topic: topics.acdOffers, coordinator: coordinator, logger: logger) }
                    await group.next()
                    group.cancelAll()
                }
                try Task.checkCancellation()
            }
        } catch is CancellationError {
        }
    }

    private static func runTimer(_ coordinator: AgentCoordinator) async {
        while !Task.isCancelled {
            if let deadline = await coordinator.nextDeadline, deadline <= Date() {
                await coordinator.tick()
                continue
            }
            try? await Task.sleep(for: timerGranularity)
        }
    }

    private static func takeOffers(
        _ messages: AsyncStream<MQTTMessage>, topic: String, coordinator: AgentCoordinator, logger: Logger
    ) async {
        for await message in messages where message.topic == topic {
            do {
                let offer = try JSONCoding.decoder().decode(ACDOffer.self, from: Data(message.payload))
                if case .failure(let error) = await coordinator.offer(offer) {
                    logger.info("ACD offer refused", metadata: ["error": "\(error)"])
                }
            } catch {
                logger.info("malformed ACD offer ignored", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// A phone's reachability changed.
struct PhoneStatusChange: Sendable {
    let phone: String
    let online: Bool
}
