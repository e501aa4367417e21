import Foundation
import Testing
import TestSupport

/// Issue 8's acceptance with vendor phone emulators (not the simulator) through the real binary and a real broker:
/// a Yealink whose `call_terminated` is lost, that reboots or drops off the network mid-call, and a Poly phone
/// (which can list its calls) whose call ended while the bridge was down.
@Suite("Reconciliation with vendor phones", .serialized, .timeLimit(.minutes(3)))
struct VendorReconciliationEndToEndTests {
    static func yaml(phone: String, reconcileSeconds: Double = 600, health: Double = 30) -> String {
        """
        bridge:
          id: rec
          http: { listen: "127.0.0.1:HTTP_PORT", publicUrl: "http://127.0.0.1:HTTP_PORT" }
          state: STATE_DIR/var/ctibridge.sqlite
          defaultCountry: GB
          reconcileSeconds: \(reconcileSeconds)
          phoneHealth: { intervalSeconds: \(health), retrySeconds: \(health), retryMaxSeconds: \(health) }
          apiKeys: [{ name: t, key: \(AgentBus.apiKey) }]
        mqtt: { url: BROKER_URL, keepAliveSeconds: 5 }
        queues:
          - { id: sales, name: Sales, wrapSeconds: 2, numbers: ["+442079460100"] }
        agents:
          - { id: alice, name: Alice Smith, extension: "201", queues: [sales], phones: [desk] }
        phones:
          - \(phone)
        """
    }

    static func calls(_ bus: AgentBus) async throws -> [[String: Any]] {
        try await bus.agent("alice")["calls"] as? [[String: Any]] ?? []
    }

    static func metrics(_ bus: AgentBus) async throws -> String {
        try await TestHTTP.get("\(bus.bridge.baseURL)/metrics").text
    }

    static func missedCount(_ bus: AgentBus) async throws -> Int {
        let missed = try await bus.api("GET", "/api/v1/agents/alice/history?missed=true")
        return try #require(try JSONSerialization.jsonObject(with: Data(missed.body)) as? [Any]).count
    }

    // MARK: Yealink (cannot list its calls)

    /// A Yealink emulator provisioned from the bridge's own phone-config, Alice logged in and ready.
    static func withYealink(
        health: Double = 30, _ body: (YealinkPhoneEmulator, AgentBus, MosquittoBroker) async throws -> Void
    ) async throws {
        let phone = try await YealinkPhoneEmulator.start()
        let broker = try await MosquittoBroker.start()
        let bridge = try await BridgeProcess.start(
            yaml: yaml(
                phone: """
                    { id: desk, driver: yealink, url: "\(phone.baseURL)", username: admin, password: "Yea-s3cret!", \
                    eventToken: yealink-token-0123456789, options: { dialledVariable: "$calledNumber" } }
                    """,
                health: health),
            broker: broker)
        let bus = AgentBus(bridge: bridge, broker: broker)
        defer { Task { await bridge.stop(); await broker.stop(); await phone.stop() } }
        #expect(phone.loadConfiguration(try await bridge.phoneConfig("desk")) >= 10)
        try await eventually(timeout: .seconds(5), "phone online") {
            try await MQTTProbe.retainedPayload(on: "cti/phones/desk", broker: broker)?.contains(#""online":true"#) == true
        }
        try await bus.command("alice", #"{"action":"login"}"#)
        try await bus.waitForACD("alice", "ready")
        try await body(phone, bus, broker)
    }

    /// A queue call rings on the Yealink and Alice answers it from her desktop.
    static func answeredQueueCall(_ phone: YealinkPhoneEmulator, _ bus: AgentBus) async throws -> (phoneCall: Int, callID: String) {
        let phoneCall = await phone.ring(from: "01632960123", displayName: "Dave", dialled: "02079460100")
        try await eventually(timeout: .seconds(5), "ringing") { try await calls(bus).count == 1 }
        #expect(try await bus.command("alice", #"{"action":"answer"}"#)["ok"] as? Bool == true)
        try await bus.waitForACD("alice", "busy")
        let callID = try #require(try await calls(bus).first?["id"] as? String)
        return (phoneCall, callID)
    }

    @Test("Yealink: call_terminated lost, busy_to_idle arrives: the call ends within 2 s, Alice wraps, then is ready")
    func yealinkLostTerminated() async throws {
        try await Self.withYealink { phone, bus, broker in
            let events = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
            defer { Task { await events.stop() } }
            let (phoneCall, callID) = try await Self.answeredQueueCall(phone, bus)
            phone.loseNextCallback("call_terminated")
            await phone.remoteHangsUp(phoneCall)
            #expect(phone.firedCallbacks.last?.event == "busy_to_idle")
            let hungUp = ContinuousClock.now
            try await eventually(timeout: .seconds(4), "call ended") { try await Self.calls(bus).isEmpty }
            // The documented bound: the phone's idle report plus a 2 s grace for a late call_terminated.
            #expect(ContinuousClock.now - hungUp < .seconds(3))
            #expect(ContinuousClock.now - hungUp >= .seconds(1.5), "the grace was given")
            try await bus.waitForACD("alice", "wrap")
            try await bus.waitForACD("alice", "ready", timeout: .seconds(5))
            try await eventually(timeout: .seconds(5), "call topic cleared") {
                try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker, timeout: .seconds(1)) == nil
            }
            let ended = try #require(AgentBus.notifications(events).first { $0.type == "call.ended" })
            #expect((ended.body["call"] as? [String: Any])?["cause"] as? String == "failed")
            #expect(!AgentBus.notifications(events).contains { $0.type == "call.missed" })
            #expect(try await Self.missedCount(bus) == 0)
            #expect(try await Self.metrics(bus).contains(#"ctibridge_reconciled_calls_total{driver="yealink",reason="idle"} 1"#))
            #expect(bus.bridge.log.components(separatedBy: "call corrected").count == 2, "logged once")
        }
    }

    @Test("Yealink: an ordinary hang-up (terminated, then idle) is not a correction and keeps its cause")
    func yealinkOrdinaryHangup() async throws {
        try await Self.withYealink { phone, bus, broker in
            let events = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
            defer { Task { await events.stop() } }
            let (phoneCall, _) = try await Self.answeredQueueCall(phone, bus)
            await phone.remoteHangsUp(phoneCall)
            try await eventually(timeout: .seconds(3), "call ended") { try await Self.calls(bus).isEmpty }
            // Past the idle grace: the idle report found nothing left to end.
            try await Task.sleep(for: .seconds(2.5))
            let ended = try #require(AgentBus.notifications(events).first { $0.type == "call.ended" })
            #expect((ended.body["call"] as? [String: Any])?["cause"] as? String == "normal")
            #expect(AgentBus.notifications(events).filter { $0.type == "call.ended" }.count == 1)
            #expect(!(try await Self.metrics(bus)).contains("ctibridge_reconciled_calls_total"))
        }
    }

    @Test("Yealink: a second call started after the idle report is left alone")
    func yealinkIdleThenNewCall() async throws {
        try await Self.withYealink { phone, bus, _ in
            let (phoneCall, _) = try await Self.answeredQueueCall(phone, bus)
            await phone.remoteHangsUp(phoneCall)
            // A new call rings inside the idle grace of the first one.
            await phone.ring(from: "01632960999")
            try await eventually(timeout: .seconds(3), "second call ringing") {
                try await Self.calls(bus).first?["state"] as? String == "alerting"
            }
            try await Task.sleep(for: .seconds(2.5))
            let calls = try await Self.calls(bus)
            #expect(calls.count == 1)
            #expect((calls.first?["remote"] as? [String: Any])?["number"] as? String == "+441632960999")
        }
    }

    @Test("Yealink reboots mid-call: the call is cleared, Alice leaves busy, no missed call")
    func yealinkReboot() async throws {
        try await Self.withYealink { phone, bus, broker in
            let (_, callID) = try await Self.answeredQueueCall(phone, bus)
            await phone.reboot()
            try await eventually(timeout: .seconds(3), "calls cleared") { try await Self.calls(bus).isEmpty }
            #expect(try await bus.acdState("alice") != "busy")
            try await eventually(timeout: .seconds(5), "call topic cleared") {
                try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker, timeout: .seconds(1)) == nil
            }
            #expect(try await Self.missedCount(bus) == 0)
            #expect(try await Self.metrics(bus).contains(#"ctibridge_reconciled_calls_total{driver="yealink",reason="rebooted"} 1"#))
        }
    }

    @Test("Yealink off the network mid-call: the call ends at the failed probe; back online, the phone is online again")
    func yealinkOffline() async throws {
        try await Self.withYealink(health: 0.5) { phone, bus, broker in
            _ = try await Self.answeredQueueCall(phone, bus)
            await phone.stop()
            #expect(!FreePort.isAccepting(port: phone.port), "no child process holds the phone's socket")
            try await eventually(timeout: .seconds(4), "calls ended") { try await Self.calls(bus).isEmpty }
            #expect(try await bus.acdState("alice") != "busy")
            try await eventually(timeout: .seconds(3), "phone offline on MQTT") {
                try await MQTTProbe.retainedPayload(on: "cti/phones/desk", broker: broker)?.contains(#""online":false"#) == true
            }
            #expect(try await Self.missedCount(bus) == 0)
            #expect(try await Self.metrics(bus).contains(#"ctibridge_reconciled_calls_total{driver="yealink",reason="offline"} 1"#))
            try await phone.restart()
            try await eventually(timeout: .seconds(5), "phone online on MQTT") {
                try await MQTTProbe.retainedPayload(on: "cti/phones/desk", broker: broker)?.contains(#""online":true"#) == true
            }
        }
    }

    // MARK: Poly REST (lists its calls)

    static func polyPhone(_ emulator: PolyPhoneEmulator) -> String {
        """
        { id: desk, driver: poly, model: VVX450, url: "\(emulator.baseURL)", password: "\(emulator.configuration.adminPassword)", \
        eventToken: poly-token-0123456789abcdef, options: { api: rest } }
        """
    }

    /// Points the emulator's notifications at the bridge, as the printed provisioning says.
    static func provisionPoly(_ emulator: PolyPhoneEmulator, _ bridge: BridgeProcess) async throws {
        let text = try await bridge.phoneConfig("desk")
        let marker = #"apps.telNotification.URL=""#
        let start = try #require(text.range(of: marker), "\(text)")
        let end = try #require(text[start.upperBound...].firstIndex(of: "\""))
        emulator.setNotificationURL(String(text[start.upperBound..<end]).replacingOccurrences(of: "&amp;", with: "&"))
    }

    /// A call rings on the Poly phone and Alice answers it from her desktop (REST `answerCall`).
    static func answeredPolyCall(_ emulator: PolyPhoneEmulator, _ bus: AgentBus) async throws -> (handle: String, callID: String) {
        let handle = emulator.ring(from: "01632960123", name: "Dave")
        try await eventually(timeout: .seconds(5), "ringing") { try await calls(bus).count == 1 }
        #expect(try await bus.command("alice", #"{"action":"answer"}"#)["ok"] as? Bool == true)
        try await eventually(timeout: .seconds(5), "connected") { try await calls(bus).first?["state"] as? String == "connected" }
        try await bus.waitForACD("alice", "busy")
        return (handle, try #require(try await calls(bus).first?["id"] as? String))
    }

    @Test("Poly: bridge SIGKILLed mid-call, the call ends on the phone meanwhile: after restart nothing is retained, Alice is not busy")
    func polyRestartAfterCallEnded() async throws {
        try await PolyPhoneEmulator.withEmulator { emulator in
            let broker = try await MosquittoBroker.start()
            defer { Task { await broker.stop() } }
            let yaml = Self.yaml(phone: Self.polyPhone(emulator))
            let bridge = try await BridgeProcess.start(yaml: yaml, broker: broker)
            let bus = AgentBus(bridge: bridge, broker: broker)
            try await Self.provisionPoly(emulator, bridge)
            try await bus.command("alice", #"{"action":"login"}"#)
            try await bus.waitForACD("alice", "ready")
            let (handle, callID) = try await Self.answeredPolyCall(emulator, bus)
            #expect(try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker) != nil)

            await bridge.stop()
            // The far end hangs up while the bridge is down: the phone's notification reaches no one.
            emulator.farEndHangsUp(handle)
            await emulator.drainNotifications()
            #expect(emulator.calls.isEmpty)

            let restarted = try await BridgeProcess.start(
                yaml: yaml, broker: broker, directory: bridge.directory, httpPort: bridge.httpPort)
            defer { Task { await restarted.stop() } }
            let again = AgentBus(bridge: restarted, broker: broker)
            try await eventually(timeout: .seconds(5), "stored call ended") { try await Self.calls(again).isEmpty }
            #expect(try await again.acdState("alice") != "busy")
            try await eventually(timeout: .seconds(5), "no call topic retained") {
                try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker, timeout: .seconds(1)) == nil
            }
            #expect(try await Self.missedCount(again) == 0)
            #expect(try await Self.metrics(again).contains(#"ctibridge_reconciled_calls_total{driver="poly",reason="gone"} 1"#))
            emulator.setNotificationURL(nil)
        }
    }

    @Test("Poly: a long connected call survives many reconciliation rounds; a lost hang-up is found by the next round")
    func polyRounds() async throws {
        try await PolyPhoneEmulator.withEmulator { emulator in
            let broker = try await MosquittoBroker.start()
            defer { Task { await broker.stop() } }
            let bridge = try await BridgeProcess.start(
                yaml: Self.yaml(phone: Self.polyPhone(emulator), reconcileSeconds: 0.5), broker: broker)
            defer { Task { await bridge.stop() } }
            let bus = AgentBus(bridge: bridge, broker: broker)
            try await Self.provisionPoly(emulator, bridge)
            try await bus.command("alice", #"{"action":"login"}"#)
            try await bus.waitForACD("alice", "ready")
            let (handle, callID) = try await Self.answeredPolyCall(emulator, bus)
            let before = emulator.requests.filter { $0.target.contains("callStatus") }.count
            try await Task.sleep(for: .seconds(4))
            #expect(emulator.requests.filter { $0.target.contains("callStatus") }.count >= before + 4, "rounds ran")
            let calls = try await Self.calls(bus)
            #expect(calls.map { $0["id"] as? String } == [callID])
            #expect(calls.first?["state"] as? String == "connected")
            #expect(!(try await Self.metrics(bus)).contains("ctibridge_reconciled_calls_total"))

            // The hang-up notification is lost: the phone no longer lists the call.
            emulator.setNotificationURL(nil)
            emulator.farEndHangsUp(handle)
            try await eventually(timeout: .seconds(3), "ended by the next round") { try await Self.calls(bus).isEmpty }
            #expect(try await bus.acdState("alice") != "busy")
            #expect(try await Self.metrics(bus).contains(#"ctibridge_reconciled_calls_total{driver="poly",reason="gone"} 1"#))
        }
    }
}
