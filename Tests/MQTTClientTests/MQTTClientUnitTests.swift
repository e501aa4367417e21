import Logging
import Testing

@testable import MQTTClient

@Suite("Offline buffer")
struct OfflineBufferTests {
    private func event(_ n: Int) -> MQTTMessage { MQTTMessage(topic: "e", string: "e\(n)") }

    @Test("keeps messages in order and drops the oldest when full")
    func dropsOldest() {
        var buffer = OfflineBuffer(capacity: 3)
        var dropped: [String] = []
        for n in 1...5 {
            if let old = buffer.append(event(n)) { dropped.append(old.payloadString) }
        }
        #expect(dropped == ["e1", "e2"])
        #expect(buffer.count == 3)
        #expect(buffer.removeAll().map(\.payloadString) == ["e3", "e4", "e5"])
        #expect(buffer.isEmpty)
    }

    @Test("puts unsent messages back at the front, dropping the oldest beyond capacity")
    func prepend() {
        var buffer = OfflineBuffer(capacity: 3)
        _ = buffer.append(event(4))
        _ = buffer.append(event(5))
        #expect(buffer.prepend(contentsOf: [event(1), event(2), event(3)]) == 2)
        #expect(buffer.removeAll().map(\.payloadString) == ["e3", "e4", "e5"])
    }

    @Test("a zero capacity buffer keeps nothing")
    func zeroCapacity() {
        var buffer = OfflineBuffer(capacity: 0)
        #expect(buffer.append(event(1))?.payloadString == "e1")
        #expect(buffer.isEmpty)
    }

    @Test("wraps around its storage many times without losing order")
    func wrapsAround() {
        var buffer = OfflineBuffer(capacity: 4)
        for n in 1...103 { _ = buffer.append(event(n)) }
        #expect(buffer.removeAll().map(\.payloadString) == ["e100", "e101", "e102", "e103"])
        _ = buffer.append(event(7))
        #expect(buffer.removeAll().map(\.payloadString) == ["e7"])
    }
}

@Suite("Retained state cache")
struct RetainedStateCacheTests {
    private func state(_ topic: String, _ payload: String) -> MQTTMessage {
        MQTTMessage(topic: topic, string: payload, retain: true)
    }

    @Test("the latest state per topic wins; republishing follows update order")
    func latestWins() {
        var cache = RetainedStateCache()
        cache.record(state("a", "1"), sent: false)
        cache.record(state("b", "1"), sent: false)
        cache.record(state("a", "2"), sent: false)
        #expect(cache.takeAllForRepublish().map { "\($0.topic)=\($0.payloadString)" } == ["b=1", "a=2"])
        #expect(cache.count == 2)
    }

    @Test("an empty payload clears the topic: at once if sent, after the next republish if not")
    func tombstones() {
        var cache = RetainedStateCache()
        cache.record(state("call/1", "ringing"), sent: true)
        cache.record(MQTTMessage(topic: "call/1", payload: [], retain: true), sent: true)
        #expect(cache.message(for: "call/1") == nil)

        cache.record(state("call/2", "ringing"), sent: true)
        cache.record(MQTTMessage(topic: "call/2", payload: [], retain: true), sent: false)
        let republished = cache.takeAllForRepublish()
        #expect(republished.count == 1 && republished[0].payload.isEmpty)
        #expect(cache.count == 0)
    }

    @Test("a failed send is restored only if no newer state arrived")
    func restore() {
        var cache = RetainedStateCache()
        cache.record(state("a", "new"), sent: false)
        cache.restore(state("a", "old"))
        #expect(cache.message(for: "a")?.payloadString == "new")
        cache.restore(state("b", "only"))
        #expect(cache.message(for: "b")?.payloadString == "only")
    }
}

@Suite("Outbound queue")
struct OutboundQueueTests {
    @Test("offline: states coalesce, events queue; after connect states go first, then events, then online")
    func resynchronisation() {
        var queue = OutboundQueue(offlineCapacity: 2)
        #expect(queue.submit(MQTTMessage(topic: "s", string: "1", retain: true)) == .queued(dropped: 0))
        #expect(queue.submit(MQTTMessage(topic: "s", string: "2", retain: true)) == .queued(dropped: 0))
        #expect(queue.submit(MQTTMessage(topic: "e", string: "a")) == .queued(dropped: 0))
        #expect(queue.submit(MQTTMessage(topic: "e", string: "b")) == .queued(dropped: 0))
        #expect(queue.submit(MQTTMessage(topic: "e", string: "c")) == .queued(dropped: 1))

        #expect(queue.connectionEstablished().map(\.payloadString) == ["2"])
        // Published during the resynchronisation: still queued, so it cannot overtake.
        #expect(queue.submit(MQTTMessage(topic: "s", string: "3", retain: true)) == .queued(dropped: 0))
        #expect(queue.nextResynchronisationBatch().map(\.payloadString) == ["3", "b", "c"])
        #expect(queue.phase == .resynchronising)
        #expect(queue.nextResynchronisationBatch().isEmpty)
        #expect(queue.phase == .online)
        #expect(queue.submit(MQTTMessage(topic: "e", string: "d")) == .send)

        queue.connectionLost()
        #expect(queue.phase == .offline)
        // Every state is sent again on the next connect.
        #expect(queue.connectionEstablished().map(\.payloadString) == ["3"])
    }

    @Test("messages that could not be sent are requeued ahead of newer ones")
    func requeue() {
        var queue = OutboundQueue(offlineCapacity: 3)
        _ = queue.submit(MQTTMessage(topic: "e", string: "later"))
        #expect(
            queue.requeue([
                MQTTMessage(topic: "e", string: "first"), MQTTMessage(topic: "s", string: "x", retain: true),
            ]) == 0)
        _ = queue.connectionEstablished()
        #expect(queue.nextResynchronisationBatch().map(\.payloadString) == ["first", "later"])
    }
}

@Suite("Broker URL")
struct MQTTBrokerURLTests {
    @Test(
        "valid URLs",
        arguments: [
            ("mqtt://127.0.0.1:1883", "127.0.0.1", 1883, false),
            ("mqtt://broker.example", "broker.example", 1883, false),
            ("mqtts://broker.example", "broker.example", 8883, true),
            ("MQTTS://broker:9999/", "broker", 9999, true),
            ("mqtt://[::1]:1884", "::1", 1884, false),
        ])
    func valid(text: String, host: String, port: Int, tls: Bool) throws {
        let url = try MQTTBrokerURL(parsing: text)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.usesTLS == tls)
    }

    @Test(
        "invalid URLs are refused with a reason that names the problem",
        arguments: [
            ("127.0.0.1:1883", "expected mqtt://"),
            ("http://broker", "unsupported scheme \"http\""),
            ("ws://broker", "unsupported scheme \"ws\""),
            ("mqtt://", "missing host"),
            ("mqtt://:1883", "missing host"),
            ("mqtt://broker:0", "port must be a number from 1 to 65535"),
            ("mqtt://broker:70000", "port must be a number from 1 to 65535"),
            ("mqtt://broker:abc", "port must be a number"),
            ("mqtt://broker:", "port must be a number"),
            ("mqtt://broker/topic", "path"),
            ("mqtt://user:pw@broker", "credentials in the URL are not supported"),
            ("mqtt://bro ker", "invalid host name"),
            ("mqtt://::1", "too many colons"),
        ])
    func invalid(text: String, reason: String) {
        do {
            _ = try MQTTBrokerURL(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            guard case .invalidURL(let url, let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(url == text)
            #expect(message.contains(reason), "message: \(message)")
            #expect(error.description.contains(text))
        }
    }
}

@Suite("Topics, acknowledgements, back-off, configuration")
struct MQTTClientHelpersTests {
    @Test("topic filters match like the broker's")
    func matching() {
        #expect(MQTTTopic.matches("cti/agents/alice/command", filter: "cti/agents/+/command"))
        #expect(!MQTTTopic.matches("cti/agents/alice/command/result", filter: "cti/agents/+/command"))
        #expect(MQTTTopic.matches("cti/agents/alice/command/result", filter: "cti/#"))
        #expect(MQTTTopic.matches("cti", filter: "cti/#"))
        #expect(!MQTTTopic.matches("$SYS/broker", filter: "#"))
        #expect(MQTTTopic.isValidFilter("cti/+/x/#"))
        #expect(!MQTTTopic.isValidFilter("cti/a#"))
        #expect(!MQTTTopic.isValidFilter("cti/#/x"))
        #expect(!MQTTTopic.isValidName("cti/+/x"))
        #expect(!MQTTTopic.isValidName(""))
    }

    @Test("an acknowledgement that overtakes the recording of its id is not lost")
    func earlyAcknowledgement() {
        var tracker = AckTracker<MQTTQoS>()
        #expect(tracker.acknowledged(7) == nil)
        #expect(tracker.issued(7, waiter: .atLeastOnce) == false)
        #expect(tracker.pendingCount == 0)
        let issued8 = tracker.issued(8, waiter: .atLeastOnce)
        let issued9 = tracker.issued(9, waiter: .atMostOnce)
        #expect(issued8 && issued9)
        #expect(tracker.forget { $0 == .atMostOnce } == [.atMostOnce])
        #expect(tracker.acknowledged(8) == .atLeastOnce)
        #expect(tracker.pendingCount == 0)
    }

    @Test("the reconnect delay doubles from the minimum and stops at the maximum")
    func backOff() {
        let delays = (0..<6).map {
            MosquittoHandle.backOffDelay(failedAttempts: $0, min: .milliseconds(100), max: .seconds(1))
        }
        #expect(
            delays == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ])
        #expect(MosquittoHandle.backOffDelay(failedAttempts: 500, min: .seconds(1), max: .seconds(30)) == .seconds(30))
    }

    @Test("configuration errors name the setting")
    func configurationValidation() throws {
        let url = try MQTTBrokerURL(parsing: "mqtt://127.0.0.1")
        var configuration = MQTTConfiguration(url: url, clientId: "x", keepAlive: .seconds(1))
        #expect(throws: MQTTError.invalidConfiguration("keepAlive must be between 5 and 65535 seconds")) {
            try configuration.validate()
        }
        configuration.keepAlive = .seconds(30)
        configuration.password = "secret"
        #expect(throws: MQTTError.invalidConfiguration("a password needs a username")) {
            try configuration.validate()
        }
        configuration.password = nil
        configuration.clientId = ""
        #expect(throws: MQTTError.self) { try configuration.validate() }
    }

    @Test("a missing CA file for mqtts:// is refused when the client is created")
    func missingCAFile() throws {
        let url = try MQTTBrokerURL(parsing: "mqtts://127.0.0.1")
        let configuration = MQTTConfiguration(url: url, clientId: "tls", caFile: "/nonexistent/ca.pem")
        #expect(throws: MQTTError.invalidConfiguration("CA file /nonexistent/ca.pem is not readable")) {
            _ = try MQTTClient(configuration: configuration, logger: .init(label: "test"))
        }
    }

    @Test("invalid topics are refused before reaching the network")
    func invalidTopics() async throws {
        let url = try MQTTBrokerURL(parsing: "mqtt://127.0.0.1:1")
        let client = try MQTTClient(
            configuration: MQTTConfiguration(url: url, clientId: "t"), logger: .init(label: "test"))
        #expect(throws: MQTTError.self) { try client.tryPublish(MQTTMessage(topic: "a/+/b", string: "x")) }
        await #expect(throws: MQTTError.self) { try await client.subscribe("a/#/b") }
        await client.stop()
        #expect(throws: MQTTError.stopped) { try client.tryPublish(MQTTMessage(topic: "a", string: "x")) }
    }
}
