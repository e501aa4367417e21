import Foundation
import PhoneDrivers
import Testing
import TestSupport

/// The spine's acceptance tests: the real `ctibridge` binary against a real mosquitto.
@Suite("Bridge daemon", .serialized, .timeLimit(.minutes(2)))
struct BridgeDaemonTests {
    static let yaml = """
        bridge:
          id: test-site
          http:
            listen: 127.0.0.1:HTTP_PORT
          state: STATE_DIR/var/ctibridge.sqlite
          phoneHealth:
            intervalSeconds: 0.2
            retrySeconds: 0.2
            retryMaxSeconds: 0.5
        mqtt:
          url: BROKER_URL
          clientId: ctibridge-test
          keepAliveSeconds: 5
          password: mqtt-secret-never-logged
          username: bridge
        queues:
          - { id: sales, wrapSeconds: 10, numbers: ["+442079460100"] }
        agents:
          - { id: alice, name: Alice Smith, queues: [sales], phones: [alice-desk, alice-mobile] }
        phones:
          - id: alice-desk
            driver: simulator
            eventToken: desk-token-0123456789abcdef
          - id: alice-mobile
            driver: simulator
          - id: lobby
            driver: simulator
        """

    static let configuredTokens = ["alice-desk": "desk-token-0123456789abcdef"]

    func startBroker() async throws -> MosquittoBroker {
        // No password file: mosquitto then accepts any credentials, and the bridge still sends (and must not log) them.
        try await MosquittoBroker.start()
    }

    @Test("start: bridge state online and one retained topic per phone")
    func publishesStateAndPhones() async throws {
        let broker = try await startBroker()
        let bridge = try await BridgeProcess.start(yaml: Self.yaml, broker: broker)
        defer { Task { await bridge.stop(); await broker.stop() } }

        try await eventually(timeout: .seconds(5), "bridge online") {
            let state = try await MQTTProbe.retainedPayload(on: "cti/bridge/state", broker: broker)
            return state?.contains(#""state":"online""#) == true && state?.contains(#""id":"test-site""#) == true
        }
        for phone in ["alice-desk", "alice-mobile", "lobby"] {
            try await eventually(timeout: .seconds(5), "phone \(phone) retained") {
                guard let payload = try await MQTTProbe.retainedPayload(on: "cti/phones/\(phone)", broker: broker) else {
                    return false
                }
                return payload.contains(#""online":true"#) && payload.contains(#""driver":"simulator""#)
                    && payload.contains(#""capabilities":["dial","answer","hangup","hold","resume","transfer","dnd","forward"]"#)
            }
        }
        let desk = try #require(try await MQTTProbe.retainedPayload(on: "cti/phones/alice-desk", broker: broker))
        #expect(desk.contains(#""agent":"alice""#))
        #expect(!desk.contains("desk-token"), "a phone object carries no credentials")
        let lobby = try #require(try await MQTTProbe.retainedPayload(on: "cti/phones/lobby", broker: broker))
        #expect(lobby.contains(#""agent":null"#))
    }

    @Test("SIGKILL: the broker publishes the will (offline) within 1.5 × keepalive")
    func willOnKill() async throws {
        let broker = try await startBroker()
        let bridge = try await BridgeProcess.start(yaml: Self.yaml, broker: broker)
        defer { Task { await broker.stop() } }
        try await eventually(timeout: .seconds(5), "bridge online") {
            try await MQTTProbe.retainedPayload(on: "cti/bridge/state", broker: broker)?.contains("online") == true
        }
        let killedAt = ContinuousClock.now
        await bridge.stop()
        try await eventually(timeout: .seconds(9), pollInterval: .milliseconds(200), "will published") {
            try await MQTTProbe.retainedPayload(on: "cti/bridge/state", broker: broker)?.contains(#""state":"offline""#)
                == true
        }
        let elapsed = ContinuousClock.now - killedAt
        #expect(elapsed < .milliseconds(7500), "keepalive 5 s: the will must come within 7.5 s, took \(elapsed)")
    }

    @Test("SIGTERM: the bridge publishes offline itself and exits 0")
    func gracefulShutdown() async throws {
        let broker = try await startBroker()
        let bridge = try await BridgeProcess.start(yaml: Self.yaml, broker: broker)
        defer { Task { await broker.stop() } }
        try await eventually(timeout: .seconds(5), "bridge online") {
            try await MQTTProbe.retainedPayload(on: "cti/bridge/state", broker: broker)?.contains("online") == true
        }
        bridge.child.signal(SIGTERM)
        let termination = await bridge.child.waitForTermination(timeout: .seconds(10))
        #expect(termination == .exited(0), "log:\n\(bridge.log)")
        let state = try await MQTTProbe.retainedPayload(on: "cti/bridge/state", broker: broker)
        #expect(state?.contains(#""state":"offline""#) == true)
        // A clean DISCONNECT: mosquitto logs a will only for connections that die.
        #expect(!broker.logTail(lines: 500).contains("closed its connection") || bridge.log.contains("disconnected from the broker"))
    }

    @Test("broker restart: the bridge reconnects by itself and every retained topic is back within 5 s")
    func brokerRestart() async throws {
        let broker = try await startBroker()
        let bridge = try await BridgeProcess.start(yaml: Self.yaml, broker: broker)
        defer { Task { await bridge.stop(); await broker.stop() } }
        let topics = ["cti/bridge/state", "cti/phones/alice-desk", "cti/phones/alice-mobile", "cti/phones/lobby"]
        for topic in topics {
            try await eventually(timeout: .seconds(5), "\(topic) before restart") {
                try await MQTTProbe.retainedPayload(on: topic, broker: broker) != nil
            }
        }
        // persistence is off: the restarted broker has forgotten every retained message.
        await broker.stop()
        try await Task.sleep(for: .milliseconds(300))
        try await broker.restart()
        let restartedAt = ContinuousClock.now
        for topic in topics {
            try await eventually(timeout: .seconds(6), "\(topic) after restart") {
                try await MQTTProbe.retainedPayload(on: topic, broker: broker, timeout: .seconds(1)) != nil
            }
        }
        #expect(ContinuousClock.now - restartedAt < .seconds(5))
        let state = try await MQTTProbe.retainedPayload(on: "cti/bridge/state", broker: broker)
        #expect(state?.contains(#""state":"online""#) == true)
        let metrics = try await TestHTTP.get("\(bridge.baseURL)/metrics").text
        #expect(metrics.contains("ctibridge_mqtt_reconnects_total 1"), "\(metrics)")
        #expect(metrics.contains("ctibridge_mqtt_connected 1"))
    }

    @Test("health and metrics over HTTP")
    func healthAndMetrics() async throws {
        let broker = try await startBroker()
        let bridge = try await BridgeProcess.start(yaml: Self.yaml, broker: broker)
        defer { Task { await bridge.stop(); await broker.stop() } }
        try await eventually(timeout: .seconds(5), "healthz ok") {
            try await TestHTTP.get("\(bridge.baseURL)/healthz").status == 200
        }
        #expect(try await TestHTTP.get("\(bridge.baseURL)/healthz").text.contains(#""mqtt":"connected""#))
        await broker.stop()
        try await eventually(timeout: .seconds(5), "healthz degraded") {
            try await TestHTTP.get("\(bridge.baseURL)/healthz").status == 503
        }
        let metrics = try await TestHTTP.get("\(bridge.baseURL)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("ctibridge_mqtt_connected 0"))
        #expect(metrics.text.contains(#"hb_requests{http_route="/healthz",http_request_method="GET",http_response_status_code="200"}"#))
    }

    @Test("event ingress: wrong token 403, malformed 400, accepted 200, each counted")
    func eventIngress() async throws {
        let broker = try await startBroker()
        let bridge = try await BridgeProcess.start(yaml: Self.yaml, broker: broker)
        defer { Task { await bridge.stop(); await broker.stop() } }
        let base = "\(bridge.baseURL)/phones/alice-desk/events"
        #expect(try await TestHTTP.get("\(base)/ring?from=201").status == 403)
        #expect(try await TestHTTP.get("\(base)/ring?token=wrong-token-0123456789&from=201").status == 403)
        #expect(try await TestHTTP.get("\(base)/ring?token=desk-token-0123456789abcdef").status == 400)
        #expect(try await TestHTTP.get("\(base)/nonsense?token=desk-token-0123456789abcdef").status == 404)
        #expect(try await TestHTTP.get("\(bridge.baseURL)/phones/nobody/events/ring?token=x").status == 404)
        let accepted = try await TestHTTP.get("\(base)/ring?token=desk-token-0123456789abcdef&from=%2B441632960123")
        #expect(accepted.status == 200)
        #expect(accepted.text.contains("callId"))

        // A generated token works for the phone it was made for and no other.
        let mobileToken = try #require(bridge.eventTokens["alice-mobile"])
        #expect(mobileToken.count == 32)
        #expect(try await TestHTTP.get("\(bridge.baseURL)/phones/alice-mobile/events/ring?token=\(mobileToken)&from=1").status == 200)
        #expect(try await TestHTTP.get("\(bridge.baseURL)/phones/lobby/events/ring?token=\(mobileToken)&from=1").status == 403)

        let metrics = try await TestHTTP.get("\(bridge.baseURL)/metrics").text
        #expect(metrics.contains(#"ctibridge_phone_events_total{driver="simulator",result="forbidden"} 3"#), "\(metrics)")
        #expect(metrics.contains(#"ctibridge_phone_events_total{driver="simulator",result="malformed"} 1"#))
        #expect(metrics.contains(#"ctibridge_phone_events_total{driver="simulator",result="accepted"} 2"#))
    }

    @Test("a phone that stops answering is published offline with an error, and recovers by itself")
    func phoneOfflineAndBack() async throws {
        let broker = try await startBroker()
        let bridge = try await BridgeProcess.start(yaml: Self.yaml, broker: broker)
        defer { Task { await bridge.stop(); await broker.stop() } }
        let power = "\(bridge.baseURL)/phones/alice-desk/events/power?token=desk-token-0123456789abcdef&state="
        try await eventually(timeout: .seconds(5), "online first") {
            try await MQTTProbe.retainedPayload(on: "cti/phones/alice-desk", broker: broker)?.contains(#""online":true"#) == true
        }
        #expect(try await TestHTTP.get(power + "off").status == 200)
        try await eventually(timeout: .seconds(5), "offline with error") {
            let payload = try await MQTTProbe.retainedPayload(on: "cti/phones/alice-desk", broker: broker) ?? ""
            return payload.contains(#""online":false"#) && payload.contains(#""code":"unreachable""#)
        }
        #expect(try await TestHTTP.get(power + "on").status == 200)
        try await eventually(timeout: .seconds(5), "online again") {
            let payload = try await MQTTProbe.retainedPayload(on: "cti/phones/alice-desk", broker: broker) ?? ""
            return payload.contains(#""online":true"#) && payload.contains(#""error":null"#)
        }
    }

    @Test("secrets never reach the log, even at trace level")
    func noSecretsInLogs() async throws {
        let broker = try await startBroker()
        let bridge = try await BridgeProcess.start(yaml: Self.yaml, broker: broker, logLevel: "trace")
        defer { Task { await broker.stop() } }
        let base = "\(bridge.baseURL)/phones/alice-desk/events"
        _ = try await TestHTTP.get("\(base)/ring?token=desk-token-0123456789abcdef&from=201")
        _ = try await TestHTTP.get("\(base)/ring?token=wrong-token-0123456789&from=201")
        try await eventually(timeout: .seconds(5), "connected") { bridge.log.contains("MQTT connected") }
        bridge.child.signal(SIGTERM)
        _ = await bridge.child.waitForTermination(timeout: .seconds(10))
        let log = bridge.log
        #expect(!log.isEmpty)
        for secret in ["desk-token-0123456789abcdef", "mqtt-secret-never-logged", "wrong-token-0123456789"]
            + Array(bridge.eventTokens.values)
        {
            #expect(!log.contains(secret), "the log contains a secret")
        }
    }
}

/// `ctibridge check` and refusal to start on a broken file, as an installer meets them.
@Suite("ctibridge check")
struct CheckCommandTests {
    func run(_ arguments: [String]) async throws -> (code: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try ChildProcess(BridgeProcess.binaryPath, arguments: arguments, outputPath: output)
        let code = await child.waitForExit(timeout: .seconds(10)) ?? -1
        return (code, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    func write(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a valid file: exit 0 and a summary of phones per driver, agents and queues")
    func valid() async throws {
        let path = try write("queues:\n  - id: q1\nagents:\n  - id: a\n    phones: [p]\nphones:\n  - id: p\n    driver: simulator\n")
        let result = try await run(["check", "--config", path])
        #expect(result.code == 0)
        #expect(result.output.contains("phones: 1 (simulator 1)"))
        #expect(result.output.contains("agents: 1"))
        #expect(result.output.contains("queues: 1 (q1)"))
    }

    @Test("a broken file: one located line and exit code 2, for check and for run")
    func broken() async throws {
        let path = try write("phones:\n  - id: p\n    driver: yelink\n")
        for command in ["check", "run"] {
            let result = try await run([command, "--config", path])
            #expect(result.code == 2, "\(command)")
            let known = PhoneDriverRegistry.standard.names.joined(separator: ", ")
            #expect(result.output == "\(path):3: phones[0].driver: unknown driver \"yelink\" (known: \(known))\n")
        }
    }

    @Test("a missing file: exit code 2 with the path named")
    func missing() async throws {
        let result = try await run(["check", "--config", "/nonexistent/drivers.yaml"])
        #expect(result.code == 2)
        #expect(result.output.hasPrefix("/nonexistent/drivers.yaml:0: cannot read the file"))
    }
}
