import Foundation
import Logging
import MQTTClient
import MetricsTestKit
import TestSupport
import Testing

@Suite(
    "MQTT client against a real mosquitto",
    .enabled(if: MosquittoBroker.isAvailable, "needs mosquitto, mosquitto_sub and mosquitto_passwd"),
    .timeLimit(.minutes(1))
)
struct MQTTClientIntegrationTests {
    @Test("a subscriber receives QoS 1 and QoS 0 messages with topic, payload, QoS and retain flag")
    func publishAndReceive() async throws {
        let broker = try await MosquittoBroker.start()
        let prefix = uniqueTopic("roundtrip")
        let client = try startedClient(testConfiguration(broker: broker))
        let messages = client.messages()
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))
        try await client.subscribe("\(prefix)/#", qos: .atLeastOnce)

        try client.tryPublish(MQTTMessage(topic: "\(prefix)/one", string: "hello", qos: .atLeastOnce))
        try client.tryPublish(MQTTMessage(topic: "\(prefix)/zero", payload: [0, 1, 2, 255], qos: .atMostOnce))
        try client.tryPublish(MQTTMessage(topic: "\(prefix)/state", string: "kept", qos: .atLeastOnce, retain: true))

        let received = await collect(3, from: messages)
        try #require(received.count == 3)
        #expect(received[0].topic == "\(prefix)/one")
        #expect(received[0].payloadString == "hello")
        #expect(received[0].qos == .atLeastOnce)
        #expect(received[0].retain == false)
        #expect(received[1].topic == "\(prefix)/zero")
        #expect(received[1].payload == [0, 1, 2, 255])
        #expect(received[1].qos == .atMostOnce)
        // MQTT 5 live delivery clears the retain flag ("retain as published" is off).
        #expect(received[2].retain == false)

        // A new subscription gets the stored message, flagged as retained.
        let late = try startedClient(testConfiguration(broker: broker))
        let lateMessages = late.messages()
        #expect(await late.waitUntilConnected(timeout: .seconds(5)))
        try await late.subscribe("\(prefix)/state")
        let stored = await collect(1, from: lateMessages)
        #expect(stored.first?.payloadString == "kept")
        #expect(stored.first?.retain == true)

        await late.stop()
        await client.stop()
        await broker.stop()
    }

    @Test("a retained state is seen by a late independent subscriber; the newest wins; empty clears it")
    func retainedStateForLateSubscribers() async throws {
        let broker = try await MosquittoBroker.start()
        let topic = uniqueTopic("retained") + "/agents/alice"
        let client = try startedClient(testConfiguration(broker: broker))
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))

        client.publish(MQTTMessage(topic: topic, string: #"{"status":"busy"}"#, retain: true))
        client.publish(MQTTMessage(topic: topic, string: #"{"status":"available"}"#, retain: true))
        try await eventually("retained state at the broker") {
            try await MQTTProbe.retainedPayload(on: topic, broker: broker) == #"{"status":"available"}"#
        }

        try client.tryPublish(MQTTMessage(topic: topic, payload: [], retain: true))
        try await eventually("retained state cleared") {
            try await MQTTProbe.retainedPayload(on: topic, broker: broker, timeout: .seconds(1)) == nil
        }
        await client.stop()
        await broker.stop()
    }

    @Test("the broker publishes the will when the connection dies without DISCONNECT")
    func willOnCrash() async throws {
        let broker = try await MosquittoBroker.start()
        let topic = uniqueTopic("will") + "/bridge/state"
        let client = try startedClient(
            testConfiguration(broker: broker) {
                $0.will = MQTTWill(topic: topic, string: #"{"state":"offline"}"#, retain: true)
            })
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))
        try client.tryPublish(MQTTMessage(topic: topic, string: #"{"state":"online"}"#, retain: true))
        try await eventually("online state at the broker") {
            try await MQTTProbe.retainedPayload(on: topic, broker: broker) == #"{"state":"online"}"#
        }

        await client.simulateCrash()

        try await eventually(timeout: .seconds(3), "will published") {
            try await MQTTProbe.retainedPayload(on: topic, broker: broker) == #"{"state":"offline"}"#
        }
        await broker.stop()
    }

    @Test("after a broker restart the client reconnects, re-publishes retained state and re-subscribes")
    func reconnectAfterBrokerRestart() async throws {
        let broker = try await MosquittoBroker.start()
        let prefix = uniqueTopic("restart")
        let metrics = TestMetrics()
        let client = try startedClient(testConfiguration(broker: broker, metrics: metrics))
        let messages = client.messages()
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))
        try await client.subscribe("\(prefix)/command")
        try client.tryPublish(MQTTMessage(topic: "\(prefix)/state", string: "ready", retain: true))
        try await eventually("state at the broker") {
            try await MQTTProbe.retainedPayload(on: "\(prefix)/state", broker: broker) == "ready"
        }
        #expect(metrics.counterTotal(label: "ctibridge_mqtt_reconnects_total") == 0)

        try await broker.restart()

        // Persistence is off: only the client's re-publication can bring the state back.
        try await eventually(timeout: .seconds(5), "state re-published after restart") {
            try await MQTTProbe.retainedPayload(on: "\(prefix)/state", broker: broker) == "ready"
        }
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))
        try await externalPublish(topic: "\(prefix)/command", payload: "dial", broker: broker)
        let received = await collect(1, from: messages)
        #expect(received.first?.topic == "\(prefix)/command")
        #expect(received.first?.payloadString == "dial")
        #expect(metrics.counterTotal(label: "ctibridge_mqtt_reconnects_total") == 1)
        #expect(try metrics.expectGauge("ctibridge_mqtt_connected").lastValue == 1)

        await client.stop()
        await broker.stop()
    }

    @Test("while disconnected only the newest state per topic and the newest events up to capacity are kept")
    func offlineBuffering() async throws {
        let broker = try await MosquittoBroker.start()
        let prefix = uniqueTopic("offline")
        let metrics = TestMetrics()
        let client = try startedClient(
            testConfiguration(broker: broker, metrics: metrics) { $0.offlineBufferCapacity = 3 })
        let states = client.connectionStates()
        let messages = client.messages()
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))
        // The client watches its own topics: after a reconnect its re-subscription precedes the flush on the same
        // connection, so it sees exactly what reached the broker, in order.
        try await client.subscribe("\(prefix)/#")

        await broker.stop()
        try await eventually("client notices the broker is gone") { !client.isConnected }

        for state in ["s1", "s2", "s3"] {
            try client.tryPublish(MQTTMessage(topic: "\(prefix)/state", string: state, retain: true))
        }
        for event in 1...5 {
            try client.tryPublish(MQTTMessage(topic: "\(prefix)/events", string: "e\(event)"))
        }
        #expect(metrics.counterTotal(label: "ctibridge_mqtt_dropped_total") == 2)

        try await broker.restart()

        let received = await collect(4, from: messages)
        #expect(received.map(\.payloadString) == ["s3", "e3", "e4", "e5"])
        #expect(try await MQTTProbe.retainedPayload(on: "\(prefix)/state", broker: broker) == "s3")
        // No stale state arrives later.
        let extra = await collect(1, from: messages, timeout: .milliseconds(500))
        #expect(extra.isEmpty)

        let observedStates = await collect(3, from: states, timeout: .seconds(1))
        #expect(observedStates.first == .disconnected(.notStarted) || observedStates.first == .connected)
        #expect(
            observedStates.contains {
                if case .disconnected(.connectFailed) = $0 {
                    true
                } else if case .disconnected(.connectionLost) = $0 {
                    true
                } else {
                    false
                }
            })

        await client.stop()
        await broker.stop()
    }

    @Test("MQTT 5 response topic and correlation data arrive byte-exact, and the answer finds its way back")
    func requestResponse() async throws {
        let broker = try await MosquittoBroker.start()
        let prefix = uniqueTopic("rr")
        let responder = try startedClient(testConfiguration(broker: broker))
        let requester = try startedClient(testConfiguration(broker: broker))
        let requests = responder.messages()
        let responses = requester.messages()
        #expect(await responder.waitUntilConnected(timeout: .seconds(5)))
        #expect(await requester.waitUntilConnected(timeout: .seconds(5)))
        try await responder.subscribe("\(prefix)/agents/+/command")
        try await requester.subscribe("\(prefix)/replies/crm")

        let correlation: [UInt8] = [0, 1, 2, 0x7f, 0x80, 0xff, 0]
        try requester.tryPublish(
            MQTTMessage(
                topic: "\(prefix)/agents/alice/command", string: #"{"action":"dial","to":"+441632960123"}"#,
                responseTopic: "\(prefix)/replies/crm", correlationData: correlation))

        let request = try #require(await collect(1, from: requests).first)
        #expect(request.responseTopic == "\(prefix)/replies/crm")
        #expect(request.correlationData == correlation)

        try responder.tryPublish(
            MQTTMessage(
                topic: try #require(request.responseTopic), string: #"{"ok":true}"#,
                correlationData: request.correlationData))
        let response = try #require(await collect(1, from: responses).first)
        #expect(response.payloadString == #"{"ok":true}"#)
        #expect(response.correlationData == correlation)
        #expect(response.responseTopic == nil)

        await requester.stop()
        await responder.stop()
        await broker.stop()
    }

    @Test("right credentials connect; wrong ones are refused as not authorized, with back-off and no crash")
    func usernameAndPassword() async throws {
        let broker = try await MosquittoBroker.start(users: ["bridge": "s3cret"])
        let good = try startedClient(
            testConfiguration(broker: broker) {
                $0.username = "bridge"
                $0.password = "s3cret"
            })
        #expect(await good.waitUntilConnected(timeout: .seconds(5)))

        let badId = "bad-\(UUID().uuidString.prefix(8))"
        let bad = try startedClient(
            testConfiguration(broker: broker, clientId: badId) {
                $0.username = "bridge"
                $0.password = "wrong"
            })
        // The state stream starts with the current state, which may already be the refusal.
        try await eventually(timeout: .seconds(5), "refused as not authorized") {
            guard case .disconnected(let reason) = bad.connectionState else { return false }
            return reason.isNotAuthorized
        }
        #expect(!bad.isConnected)

        // Back-off (100 ms doubling to 500 ms): a few attempts in two seconds, not hundreds.
        // mosquitto logs each refusal as "Sending CONNACK to 127.0.0.1 (0, 135)" (135: not authorized).
        func refusals() -> Int {
            broker.logTail(lines: 10_000).split(separator: "\n")
                .filter { $0.contains("Sending CONNACK") && $0.contains(", 135)") }.count
        }
        let before = refusals()
        try await Task.sleep(for: .seconds(2))
        let attempts = refusals() - before
        #expect(attempts >= 2 && attempts <= 10, "attempts in 2 s: \(attempts)")
        #expect(!bad.isConnected)

        await bad.stop()
        await good.stop()
        await broker.stop()
    }

    @Test("stop() delivers a final retained 'offline' and disconnects cleanly, so the will is not sent")
    func cleanStopSkipsWill() async throws {
        let broker = try await MosquittoBroker.start()
        let topic = uniqueTopic("stop") + "/bridge/state"
        let recorder = try MQTTProbe.Recorder(topic: topic, broker: broker)
        let client = try startedClient(
            testConfiguration(broker: broker) {
                $0.will = MQTTWill(topic: topic, string: "offline-by-will", retain: true)
            })
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))
        try client.tryPublish(MQTTMessage(topic: topic, string: "online", retain: true))
        try await eventually("recorder sees online") { recorder.lines.contains("\(topic) online") }

        try client.tryPublish(MQTTMessage(topic: topic, string: "offline", retain: true))
        await client.stop()
        #expect(!client.isConnected)
        #expect(throws: MQTTError.stopped) { try client.tryPublish(MQTTMessage(topic: topic, string: "late")) }

        try await eventually("recorder sees offline") { recorder.lines.contains("\(topic) offline") }
        try await Task.sleep(for: .milliseconds(500))
        #expect(!recorder.lines.contains { $0.contains("offline-by-will") }, "lines: \(recorder.lines)")
        #expect(try await MQTTProbe.retainedPayload(on: topic, broker: broker) == "offline")

        await recorder.stop()
        await broker.stop()
    }

    @Test("messages published before the first connection are sent once it is up")
    func publishBeforeStart() async throws {
        let broker = try await MosquittoBroker.start()
        let topic = uniqueTopic("early") + "/state"
        var logger = Logger(label: "test")
        logger.logLevel = .info
        let client = try MQTTClient(configuration: testConfiguration(broker: broker), logger: logger)
        try client.tryPublish(MQTTMessage(topic: topic, string: "restored", retain: true))
        client.start()
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))
        try await eventually("restored state at the broker") {
            try await MQTTProbe.retainedPayload(on: topic, broker: broker) == "restored"
        }
        await client.stop()
        await broker.stop()
    }

    @Test("a client whose broker is down keeps trying and connects when the broker appears")
    func brokerAppearsLater() async throws {
        let port = FreePort.next()
        let metrics = TestMetrics()
        let client = try MQTTClient(
            configuration: MQTTConfiguration(
                url: MQTTBrokerURL(host: "127.0.0.1", port: port), clientId: "late-\(UUID().uuidString.prefix(8))",
                keepAlive: .seconds(5), reconnectDelayMin: .milliseconds(100), reconnectDelayMax: .milliseconds(300),
                metricsFactory: metrics),
            logger: Logger(label: "test"))
        let states = client.connectionStates()
        client.start()
        let failed = await collect(2, from: states, timeout: .seconds(3))
        guard case .disconnected(.connectFailed(let message))? = failed.last else {
            Issue.record("expected connectFailed, got \(failed)")
            return
        }
        #expect(message.lowercased().contains("refused"), "message: \(message)")

        let broker = try await MosquittoBroker.start(port: port)
        #expect(await client.waitUntilConnected(timeout: .seconds(5)))
        #expect(metrics.counterTotal(label: "ctibridge_mqtt_reconnects_total") == 0)
        await client.stop()
        await broker.stop()
    }
}

@Suite(
    "MQTT client over TLS",
    .enabled(if: MosquittoBroker.isAvailable && ChildProcess.find("openssl") != nil, "needs mosquitto and openssl"),
    .timeLimit(.minutes(1))
)
struct MQTTClientTLSTests {
    @Test("mqtts:// with the broker's CA file connects and carries messages")
    func trustedCA() async throws {
        let broker = try await MosquittoBroker.start(tls: true)
        let topic = uniqueTopic("tls") + "/state"
        let client = try startedClient(testConfiguration(broker: broker) { $0.caFile = broker.caFile })
        let messages = client.messages()
        #expect(await client.waitUntilConnected(timeout: .seconds(5)), "state: \(client.connectionState)")
        try await client.subscribe(topic)
        try client.tryPublish(MQTTMessage(topic: topic, string: "secure"))
        #expect(await collect(1, from: messages).first?.payloadString == "secure")
        await client.stop()
        await broker.stop()
    }

    @Test("mqtts:// to a broker whose certificate is not trusted fails to connect, with a reason")
    func untrustedCertificate() async throws {
        let broker = try await MosquittoBroker.start(tls: true)
        // No CA file: the system trust store, which does not know the test CA.
        let client = try startedClient(testConfiguration(broker: broker))
        let states = client.connectionStates()
        let observed = await collect(2, from: states, timeout: .seconds(5))
        guard case .disconnected(.connectFailed(let message))? = observed.last else {
            Issue.record("expected connectFailed, got \(observed)")
            await client.stop()
            return
        }
        #expect(!message.isEmpty)
        #expect(!client.isConnected)
        await client.stop()
        await broker.stop()
    }
}
