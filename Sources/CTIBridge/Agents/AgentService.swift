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
    let reconciler: CallReconciler
    /// Phone events, taken in batches: what queued while the desk was busy is stored in one transaction.
    let events: InputBatches<PhoneEvent>
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
        let reconciler = self.reconciler
        let offers = client.messages()
        try? await client.subscribe(topics.acdOffers, qos: .atLeastOnce)
        let connections = client.connectionStates()
        do {
            try await cancelWhenGracefulShutdown {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await batch in events { await coordinator.handle(batch) }
                    }
                    group.addTask {
                        for await change in statuses {
                            if await coordinator.phoneStatusChanged(change.phone, online: change.online) {
                                reconciler.askSoon(change.phone)
                            }
                        }
                    }
                    group.addTask { await Self.runTimer(coordinator) }
                    group.addTask { await Self.takeOffers(offers, topic: topics.acdOffers, coordinator: coordinator, logger: logger) }
                    group.addTask { await reconciler.runSchedule() }
                    group.addTask {
                        await Self.clearStaleCallTopics(client: client, topics: topics, coordinator: coordinator)
                        await reconciler.reconcileAll()
                        await Self.reconcileAfterReconnects(connections, reconciler: reconciler)
                    }
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

    /// Each reconnect after the first connection: the bridge may have missed anything while it was away.
    private static func reconcileAfterReconnects(
        _ states: AsyncStream<MQTTConnectionState>, reconciler: CallReconciler
    ) async {
        var wasDisconnected = false
        for await state in states {
            switch state {
            case .connected:
                if wasDisconnected { await reconciler.reconcileAll() }
                wasDisconnected = false
            case .disconnected:
                wasDisconnected = true
            }
        }
        // Keep the task group's first finished task meaning "stop": wait for cancellation.
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    /// Reads the retained call topics on the broker once at start and clears those of calls the store does not
    /// hold: a bridge that died mid-call cannot have cleared them.
    static func clearStaleCallTopics(client: MQTTClient, topics: Topics, coordinator: AgentCoordinator) async {
        let messages = client.messages()
        let filter = topics.call("+")
        let prefix = topics.call("")
        do {
            guard await client.waitUntilConnected(timeout: .seconds(10)) else { throw CancellationError() }
            try await client.subscribe(filter, qos: .atLeastOnce)
        } catch {
            await coordinator.clearStaleCallTopics([])
            return
        }
        let found = await withTaskGroup(of: Set<String>?.self) { group in
            group.addTask {
                var ids: Set<String> = []
                // Only what the broker held at the subscription: live publications arrive without the retain flag.
                for await message in messages
                where message.retain && message.topic.hasPrefix(prefix) && !message.payload.isEmpty {
                    ids.insert(String(message.topic.dropFirst(prefix.count)))
                }
                return ids
            }
            // Retained messages arrive right after the subscription; a second is plenty on any LAN.
            group.addTask {
                try? await Task.sleep(for: .seconds(1))
                return nil
            }
            var ids: Set<String> = []
            // The first to finish is the timer (or the stream ending with the client): stop the other.
            if let first = await group.next() { ids.formUnion(first ?? []) }
            group.cancelAll()
            for await result in group { ids.formUnion(result ?? []) }
            return ids
        }
        // The bridge is the only writer of these topics: staying subscribed would have the broker echo every call
        // message back to it (read, acknowledged and thrown away, at a few messages per phone event).
        try? await client.unsubscribe(filter)
        await coordinator.clearStaleCallTopics(found)
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
