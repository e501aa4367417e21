import Foundation
import Logging
import MQTTClient
import MetricsTestKit
import Synchronization
import TestSupport
import Testing

@Suite(
    "MQTT client: unsubscribing and bursts, against a real mosquitto",
    .enabled(if: MosquittoBroker.isAvailable, "needs mosquitto and mosquitto_pub"),
    .timeLimit(.minutes(1))
)
struct MQTTClientSubscriptionTests {
    /// Publishes on `topic` then on `marker` (from another client) and returns every topic that reached `messages`
    /// until the marker did: the broker routes the first before it acknowledges it, so it cannot arrive later.
    private func topicsSeen(
        after topic: String, marker: String, broker: MosquittoBroker, in messages: AsyncStream<MQTTMessage>
    ) async throws -> [String] {
        try await externalPublish(topic: topic, payload: "should not arrive", broker: broker)
        try await externalPublish(topic: marker, payload: "marker", broker: broker)
        let collector = Task {
            var seen: [String] = []
            for await message in messages {
                seen.append(message.topic)
                if message.topic == marker { break }
            }
            return seen
        }
        let timer = Task {
            try? await Task.sleep(for: .seconds(5))
            collector.cancel()
        }
        defer { timer.cancel() }
        return await collector.value
    }

    @Test("after unsubscribe nothing more arrives on that filter, and a reconnect does not subscribe it again")
    func unsubscribeEndsDelivery() async throws {
        let broker = try await MosquittoBroker.start()
        let prefix = uniqueTopic("unsubscribe")
        let metrics = TestMetrics()
        let client = try startedClient(testConfiguration(broker: broker, metrics: metrics))
        let messages = client.messages()
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))
        try await client.subscribe("\(prefix)/calls/+")
        try await client.subscribe("\(prefix)/marker")
        try await externalPublish(topic: "\(prefix)/calls/1", payload: "ringing", broker: broker)
        #expect(await collect(1, from: messages).first?.topic == "\(prefix)/calls/1")

        try await client.unsubscribe("\(prefix)/calls/+")
        var seen = try await topicsSeen(after: "\(prefix)/calls/2", marker: "\(prefix)/marker", broker: broker, in: messages)
        #expect(seen == ["\(prefix)/marker"])

        try await broker.restart()
        try await eventually(timeout: .seconds(5), "reconnected") {
            metrics.counterTotal(label: "ctibridge_mqtt_reconnects_total") == 1 && client.isConnected
        }
        seen = try await topicsSeen(after: "\(prefix)/calls/3", marker: "\(prefix)/marker", broker: broker, in: messages)
        #expect(seen == ["\(prefix)/marker"])

        await client.stop()
        await broker.stop()
    }

    @Test("a filter given up while offline is taken out of the broker's persistent session at the next connect")
    func unsubscribeWhileOffline() async throws {
        let broker = try await MosquittoBroker.start()
        let prefix = uniqueTopic("offline-unsubscribe")
        let clientId = "bridge-\(UUID().uuidString.prefix(8))"
        let first = try startedClient(testConfiguration(broker: broker, clientId: clientId))
        #expect(await first.waitUntilConnected(timeout: .seconds(5)))
        try await first.subscribe("\(prefix)/calls/+")
        await first.stop()

        // The same client id comes back (a restarted bridge): the broker still holds the old subscription.
        let second = try MQTTClient(
            configuration: testConfiguration(broker: broker, clientId: clientId), logger: Logger(label: "test"))
        let messages = second.messages()
        try await second.subscribe("\(prefix)/marker")
        try await second.unsubscribe("\(prefix)/calls/+")
        second.start()
        #expect(await second.waitUntilConnected(timeout: .seconds(5)))
        let seen = try await topicsSeen(after: "\(prefix)/calls/9", marker: "\(prefix)/marker", broker: broker, in: messages)
        #expect(seen == ["\(prefix)/marker"])

        await second.stop()
        await broker.stop()
    }

    @Test("a burst of 3,000 QoS 1 messages arrives complete and in order, to streams and handlers; an invalid one in it is dropped alone")
    func burstArrivesInOrder() async throws {
        let broker = try await MosquittoBroker.start()
        let prefix = uniqueTopic("burst")
        let publisher = try startedClient(testConfiguration(broker: broker))
        let subscriber = try startedClient(testConfiguration(broker: broker))
        let messages = subscriber.messages()
        let handled = Mutex<[String]>([])
        subscriber.onMessage { message in handled.withLock { $0.append(message.payloadString) } }
        #expect(await publisher.waitUntilConnected(timeout: .seconds(5)))
        #expect(await subscriber.waitUntilConnected(timeout: .seconds(5)))
        try await subscriber.subscribe("\(prefix)/#")

        var burst = (0..<3_000).map { MQTTMessage(topic: "\(prefix)/agents/\($0 % 7)", string: "\($0)", qos: .atLeastOnce) }
        burst.insert(MQTTMessage(topic: "\(prefix)/bad/#", string: "wildcards are not topic names"), at: 1_500)
        publisher.publish(contentsOf: burst)

        let received = await collect(3_000, from: messages, timeout: .seconds(20))
        #expect(received.count == 3_000)
        #expect(received.map(\.payloadString) == (0..<3_000).map { "\($0)" })
        #expect(received.allSatisfy { !$0.topic.contains("#") })
        // The handler ran for each message on the network thread, before the stream got it.
        #expect(handled.withLock { $0 } == (0..<3_000).map { "\($0)" })

        await subscriber.stop()
        await publisher.stop()
        await broker.stop()
    }
}
