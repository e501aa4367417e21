import Foundation
import Logging
import MQTTClient
import ServiceLifecycle

/// Takes agent commands from `P/agents/{id}/command` and answers each on the request's MQTT 5 response topic
/// (with its correlation data), or on `P/agents/{id}/command/result` when it has none.
struct CommandService: Service, CustomStringConvertible {
    let dispatcher: CommandDispatcher
    let client: MQTTClient
    let bus: Bus
    let logger: Logger

    var description: String { "CommandService" }

    func run() async throws {
        let messages = client.messages()
        try? await client.subscribe(bus.topics.agentCommandFilter, qos: .atLeastOnce)
        let dispatcher = self.dispatcher
        let bus = self.bus
        do {
            try await cancelWhenGracefulShutdown {
                for await message in messages {
                    guard let agent = bus.topics.agentID(fromCommandTopic: message.topic) else { continue }
                    // Enqueued in arrival order; the result is awaited off this loop so that one slow phone does
                    // not hold up commands for other agents.
                    let pending = await dispatcher.enqueue(agent: agent, body: message.payload)
                    let responseTopic = message.responseTopic
                    let correlation = message.correlationData
                    Task {
                        let result = await pending.value
                        let topic = responseTopic ?? bus.topics.agentCommandResult(agent)
                        bus.publishEvent(result, on: topic, correlationData: responseTopic == nil ? nil : correlation)
                    }
                }
                try Task.checkCancellation()
            }
        } catch is CancellationError {
        }
    }
}
