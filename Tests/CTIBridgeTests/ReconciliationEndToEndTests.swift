import Foundation
import Testing
import TestSupport

/// Issue 8's acceptance on a real broker with simulated phones: the bridge corrects calls whose events were lost.
@Suite("Reconciliation end to end", .serialized, .timeLimit(.minutes(3)))
struct ReconciliationEndToEndTests {
    static func yaml(reconcileSeconds: Double = 1, bridgeExtra: String = "") -> String {
        """
        bridge:
          id: rec
          http: { listen: "127.0.0.1:HTTP_PORT" }
          state: STATE_DIR/var/ctibridge.sqlite
          defaultCountry: GB
          reconcileSeconds: \(reconcileSeconds)
          apiKeys:
            - { name: tests, key: \(AgentBus.apiKey) }\(bridgeExtra)
        mqtt: { url: BROKER_URL, keepAliveSeconds: 5 }
        queues:
          - { id: sales, name: Sales, wrapSeconds: 2, numbers: ["+442079460100"] }
        agents:
          - { id: alice, name: Alice Smith, extension: "201", queues: [sales], phones: [alice-desk] }
          - { id: bob, name: Bob Jones, extension: "202", queues: [sales], phones: [bob-desk] }
        phones:
          - { id: alice-desk, driver: simulator }
          - { id: bob-desk, driver: simulator, maxRingSeconds: 5 }
        """
    }

    static func start(_ yaml: String, broker existing: MosquittoBroker? = nil) async throws -> (AgentBus, MosquittoBroker) {
        let broker: MosquittoBroker
        if let existing { broker = existing } else { broker = try await MosquittoBroker.start() }
        let bridge = try await BridgeProcess.start(yaml: yaml, broker: broker)
        let bus = AgentBus(bridge: bridge, broker: broker)
        try await eventually(timeout: .seconds(5), "phones online") {
            let phones = try await bus.api("GET", "/api/v1/phones").text
            return phones.components(separatedBy: #""online":true"#).count == 3
        }
        return (bus, broker)
    }

    static func calls(_ bus: AgentBus, _ agent: String) async throws -> [[String: Any]] {
        try await bus.agent(agent)["calls"] as? [[String: Any]] ?? []
    }

    /// Dials out from Alice's desk and waits until the far end (simulated, 2 s) answers.
    static func connectedCall(_ bus: AgentBus) async throws -> String {
        let dial = try await bus.command("alice", #"{"action":"dial","to":"+44 1632 960123"}"#)
        let callID = try #require(dial["callId"] as? String, "\(dial)")
        try await eventually(timeout: .seconds(6), "connected") {
            try await calls(bus, "alice").first?["state"] as? String == "connected"
        }
        try await bus.waitForACD("alice", "busy")
        return callID
    }

    static func missedCount(_ bus: AgentBus, _ agent: String) async throws -> Int {
        let missed = try await bus.api("GET", "/api/v1/agents/\(agent)/history?missed=true")
        return try #require(try JSONSerialization.jsonObject(with: Data(missed.body)) as? [Any]).count
    }

    static func metrics(_ bus: AgentBus) async throws -> String {
        try await TestHTTP.get("\(bus.bridge.baseURL)/metrics").text
    }

    @Test("a lost hangup callback: the call ends within reconcileSeconds, the agent wraps and is ready again")
    func droppedHangup() async throws {
        let (bus, broker) = try await Self.start(Self.yaml(reconcileSeconds: 1))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        let events = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
        defer { Task { await events.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        try await bus.waitForACD("alice", "ready")

        try await bus.phone("alice-desk", "ring", "from=%2B441632960555&to=%2B442079460100")
        try await eventually(timeout: .seconds(5), "ringing") { try await Self.calls(bus, "alice").count == 1 }
        #expect(try await bus.command("alice", #"{"action":"answer"}"#)["ok"] as? Bool == true)
        try await bus.waitForACD("alice", "busy")
        let callID = try #require(try await Self.calls(bus, "alice").first?["id"] as? String)

        try await bus.phone("alice-desk", "drop")
        let dropped = ContinuousClock.now
        // reconcileSeconds 1: the next round asks the phone within a second; two more for the round itself.
        try await eventually(timeout: .seconds(3), "call ended by reconciliation") {
            try await Self.calls(bus, "alice").isEmpty
        }
        #expect(ContinuousClock.now - dropped < .seconds(3))
        try await bus.waitForACD("alice", "wrap")
        try await eventually(timeout: .seconds(5), "call topic cleared") {
            try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker, timeout: .seconds(1)) == nil
        }
        try await bus.waitForACD("alice", "ready", timeout: .seconds(5))
        let ended = try #require(AgentBus.notifications(events).first { $0.type == "call.ended" })
        #expect((ended.body["call"] as? [String: Any])?["cause"] as? String == "failed")
        #expect(!AgentBus.notifications(events).contains { $0.type == "call.missed" })
        #expect(try await Self.metrics(bus).contains(#"ctibridge_reconciled_calls_total{driver="simulator",reason="gone"} 1"#))
        #expect(bus.bridge.log.components(separatedBy: "call corrected").count == 2, "logged once")
        #expect(bus.bridge.log.contains(callID))
    }

    @Test("a lost ring callback: the call the phone has is created at the next round, then connects as usual")
    func lostRingCallback() async throws {
        let (bus, broker) = try await Self.start(Self.yaml(reconcileSeconds: 1))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        try await bus.waitForACD("alice", "ready")
        // After the round at start; later rounds run only while the bridge believes a call is live.
        try await eventually(timeout: .seconds(5), "start round done") { bus.bridge.log.contains("asked the phones for their calls") }
        try await bus.phone("alice-desk", "ring", "from=%2B441632960555&quiet=1")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await Self.calls(bus, "alice").isEmpty, "the bridge was not told")
        let resync = try await bus.command("alice", #"{"action":"resync"}"#)
        let changes = try #require(resync["changes"] as? [String], "\(resync)")
        let calls = try await Self.calls(bus, "alice")
        #expect(calls.count == 1)
        #expect(calls.first?["state"] as? String == "alerting")
        #expect((calls.first?["remote"] as? [String: Any])?["number"] as? String == "+441632960555")
        let callID = try #require(calls.first?["id"] as? String)
        #expect(changes == ["created \(callID)"])
        try await bus.phone("alice-desk", "pickup")
        try await bus.waitForACD("alice", "busy")
        try await Task.sleep(for: .seconds(2))
        #expect(try await Self.calls(bus, "alice").map { $0["id"] as? String } == [callID], "rounds keep the created call")
        #expect(try await Self.metrics(bus).contains(#"ctibridge_reconciled_calls_total{driver="simulator",reason="discovered"} 1"#))
    }

    @Test("a long connected call survives many reconciliation rounds untouched")
    func longCallSurvives() async throws {
        let (bus, broker) = try await Self.start(Self.yaml(reconcileSeconds: 0.5))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        let callID = try await Self.connectedCall(bus)
        // Eight rounds or more.
        try await Task.sleep(for: .seconds(4))
        let calls = try await Self.calls(bus, "alice")
        #expect(calls.count == 1)
        #expect(calls.first?["id"] as? String == callID)
        #expect(calls.first?["state"] as? String == "connected")
        #expect(try await bus.acdState("alice") == "busy")
        #expect(!(try await Self.metrics(bus)).contains("ctibridge_reconciled_calls_total"))
        #expect(try await bus.command("alice", #"{"action":"hangup"}"#)["ok"] as? Bool == true)
        try await eventually(timeout: .seconds(5), "ended") { try await Self.calls(bus, "alice").isEmpty }
    }

    @Test("resync answers what it changed")
    func resyncReportsChanges() async throws {
        let (bus, broker) = try await Self.start(Self.yaml(reconcileSeconds: 600))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        let callID = try await Self.connectedCall(bus)
        try await bus.phone("alice-desk", "drop")
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await Self.calls(bus, "alice").count == 1, "no round ran yet: reconcileSeconds is 600")
        let resync = try await bus.command("alice", #"{"action":"resync"}"#)
        #expect(resync["ok"] as? Bool == true)
        #expect(resync["changes"] as? [String] == ["ended \(callID)"], "\(resync)")
        #expect(try await Self.calls(bus, "alice").isEmpty)
        let again = try await bus.api("POST", "/api/v1/phones/alice-desk/resync")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(again.body)) as? [String: Any])
        #expect(body["ok"] as? Bool == true)
        #expect((body["changes"] as? [String] ?? ["missing"]).isEmpty, "\(body)")
    }

    @Test("a failed command makes the bridge ask the phone at once")
    func afterFailedCommand() async throws {
        let (bus, broker) = try await Self.start(Self.yaml(reconcileSeconds: 600))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        _ = try await Self.connectedCall(bus)
        try await bus.phone("alice-desk", "drop")
        let hold = try await bus.command("alice", #"{"action":"hold"}"#)
        #expect((hold["error"] as? [String: Any])?["code"] as? String == "noCall", "\(hold)")
        try await eventually(timeout: .seconds(2), "call ended") { try await Self.calls(bus, "alice").isEmpty }
        #expect(try await bus.acdState("alice") != "busy")
    }

    @Test("after a broker reconnect the bridge asks its phones and ends what they lost meanwhile")
    func afterReconnect() async throws {
        let (bus, broker) = try await Self.start(Self.yaml(reconcileSeconds: 600))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        let callID = try await Self.connectedCall(bus)
        await broker.stop()
        try await bus.phone("alice-desk", "drop")
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await Self.calls(bus, "alice").count == 1, "nothing asked the phone yet")
        try await broker.restart()
        try await eventually(timeout: .seconds(8), "call ended after the reconnect") { try await Self.calls(bus, "alice").isEmpty }
        try await eventually(timeout: .seconds(5), "call topic empty") {
            try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker, timeout: .seconds(1)) == nil
        }
        #expect(try await bus.acdState("alice") != "busy")
    }

    @Test("a ringing call with no news for maxRingSeconds ends as missed, and no later round brings it back")
    func ringLimit() async throws {
        let (bus, broker) = try await Self.start(Self.yaml(reconcileSeconds: 1))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        let events = try MQTTProbe.Recorder(topic: "cti/agents/bob/events", broker: broker)
        defer { Task { await events.stop() } }
        try await Task.sleep(for: .milliseconds(300))
        // The simulated phone rings for 30 s; bob-desk's maxRingSeconds is 5.
        try await bus.phone("bob-desk", "ring", "from=%2B441632960777")
        try await eventually(timeout: .seconds(5), "ringing") { try await Self.calls(bus, "bob").count == 1 }
        let rang = ContinuousClock.now
        try await eventually(timeout: .seconds(8), "missed") {
            AgentBus.notifications(events).contains { $0.type == "call.missed" }
        }
        #expect(ContinuousClock.now - rang >= .seconds(4))
        #expect(try await Self.calls(bus, "bob").isEmpty)
        let resync = try await bus.command("bob", #"{"action":"resync"}"#)
        #expect((resync["changes"] as? [String] ?? ["missing"]).isEmpty, "the phone still rings; the bridge gave up: \(resync)")
        #expect(try await Self.calls(bus, "bob").isEmpty)
        #expect(try await Self.metrics(bus).contains(#"ctibridge_reconciled_calls_total{driver="simulator",reason="ringTimeout"} 1"#))
    }

    @Test("a phone that reboots mid-call: its calls end, the agent leaves busy, no missed call")
    func rebootMidCall() async throws {
        let (bus, broker) = try await Self.start(Self.yaml(reconcileSeconds: 600))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        let events = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
        defer { Task { await events.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        let callID = try await Self.connectedCall(bus)
        try await bus.phone("alice-desk", "power", "state=off")
        try await bus.phone("alice-desk", "power", "state=on")
        try await eventually(timeout: .seconds(3), "calls cleared") { try await Self.calls(bus, "alice").isEmpty }
        try await bus.waitForACD("alice", "ready")
        try await eventually(timeout: .seconds(5), "call topic cleared") {
            try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker, timeout: .seconds(1)) == nil
        }
        #expect(!AgentBus.notifications(events).contains { $0.type == "call.missed" })
        #expect(try await Self.missedCount(bus, "alice") == 0)
        #expect(try await Self.metrics(bus).contains(#"ctibridge_reconciled_calls_total{driver="simulator",reason="rebooted"} 1"#))
    }

    @Test("a phone offline past its health probes: its calls end, the agent leaves busy, no missed call")
    func offlineMidCall() async throws {
        let (bus, broker) = try await Self.start(
            Self.yaml(reconcileSeconds: 600, bridgeExtra: "\n  phoneHealth: { intervalSeconds: 0.5, retrySeconds: 0.5 }"))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        _ = try await Self.connectedCall(bus)
        try await bus.phone("alice-desk", "power", "state=off")
        try await eventually(timeout: .seconds(3), "calls cleared") { try await Self.calls(bus, "alice").isEmpty }
        #expect(try await bus.acdState("alice") != "busy")
        #expect(try await Self.missedCount(bus, "alice") == 0)
        #expect(try await Self.metrics(bus).contains(#"ctibridge_reconciled_calls_total{driver="simulator",reason="offline"} 1"#))
    }

    @Test("a phone cut off mid-call: its call ends; back online with the call still up, the call is back")
    func linkGlitch() async throws {
        let (bus, broker) = try await Self.start(
            Self.yaml(reconcileSeconds: 600, bridgeExtra: "\n  phoneHealth: { intervalSeconds: 0.5, retrySeconds: 0.5, retryMaxSeconds: 0.5 }"))
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        _ = try await Self.connectedCall(bus)
        try await bus.phone("alice-desk", "link", "state=down")
        try await eventually(timeout: .seconds(3), "calls ended while cut off") { try await Self.calls(bus, "alice").isEmpty }
        #expect(try await bus.acdState("alice") != "busy")
        try await bus.phone("alice-desk", "link", "state=up")
        try await eventually(timeout: .seconds(3), "call back") {
            try await Self.calls(bus, "alice").first?["state"] as? String == "connected"
        }
        try await bus.waitForACD("alice", "busy")
        #expect(try await Self.missedCount(bus, "alice") == 0)
    }

    @Test("SIGKILL mid-call, restart after the call ended: no call topic left retained, the agent is not busy")
    func restartAfterKill() async throws {
        let (bus, broker) = try await Self.start(Self.yaml(reconcileSeconds: 600))
        defer { Task { await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        let callID = try await Self.connectedCall(bus)
        #expect(try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker) != nil)
        // A call topic left by an earlier crash that no store remembers.
        let ghost = try ChildProcess(
            "mosquitto_pub",
            arguments: ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-r", "-t", "cti/calls/ghost-1", "-m", #"{"id":"ghost-1"}"#])
        _ = await ghost.waitForExit(timeout: .seconds(5))

        await bus.bridge.stop()
        // The simulated phone lives in the bridge: the restarted one has no call, as a phone whose call ended.
        let restarted = try await BridgeProcess.start(
            yaml: String(contentsOfFile: bus.bridge.configPath, encoding: .utf8), broker: broker, directory: bus.bridge.directory,
            httpPort: bus.bridge.httpPort)
        defer { Task { await restarted.stop() } }
        let again = AgentBus(bridge: restarted, broker: broker)
        try await eventually(timeout: .seconds(5), "stored call ended") { try await Self.calls(again, "alice").isEmpty }
        #expect(try await again.acdState("alice") != "busy")
        try await eventually(timeout: .seconds(5), "no call topic retained") {
            let stored = try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker, timeout: .seconds(1))
            let left = try await MQTTProbe.retainedPayload(on: "cti/calls/ghost-1", broker: broker, timeout: .seconds(1))
            return stored == nil && left == nil
        }
        let metrics = try await Self.metrics(again)
        #expect(metrics.contains(#"ctibridge_reconciled_calls_total{driver="simulator",reason="gone"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"ctibridge_reconciled_calls_total{driver="none",reason="staleRetained"} 1"#))
    }
}
