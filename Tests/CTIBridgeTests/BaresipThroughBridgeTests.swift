import Foundation
import Testing
import TestSupport

/// Two real SIP phones (baresip) on loopback, driven through the whole bridge and observed on MQTT.
@Suite("baresip through the bridge", .serialized, .timeLimit(.minutes(2)), .enabled(if: BaresipProcess.isAvailable))
struct BaresipThroughBridgeTests {
    static func yaml(_ a: BaresipProcess, _ b: BaresipProcess) -> String {
        """
            bridge:
              http: { listen: "127.0.0.1:HTTP_PORT" }
              state: STATE_DIR/var/ctibridge.sqlite
              apiKeys: [{ name: t, key: \(AgentBus.apiKey) }]
            mqtt: { url: BROKER_URL }
            agents:
              - { id: anna, phones: [phone-a] }
              - { id: ben, phones: [phone-b] }
            phones:
              - { id: phone-a, driver: baresip, url: "\(a.httpURL)", options: { ctrlTCP: "\(a.controlAddress)" } }
              - { id: phone-b, driver: baresip, url: "\(b.httpURL)", options: { ctrlTCP: "\(b.controlAddress)" } }
            """
    }

    /// Two baresip phones, a broker and the bridge; Anna calls Ben through the bridge and Ben answers.
    static func withConnectedCall(
        _ body: (BaresipProcess, BaresipProcess, AgentBus, MQTTProbe.Recorder, MQTTProbe.Recorder) async throws -> Void
    ) async throws {
        let a = try await BaresipProcess.start(user: "a")
        let b = try await BaresipProcess.start(user: "b")
        let broker = try await MosquittoBroker.start()
        let bridge = try await BridgeProcess.start(yaml: yaml(a, b), broker: broker)
        let bus = AgentBus(bridge: bridge, broker: broker)
        defer { Task { await bridge.stop(); await broker.stop(); await a.stop(); await b.stop() } }
        let annaEvents = try MQTTProbe.Recorder(topic: "cti/agents/anna/events", broker: broker)
        let benEvents = try MQTTProbe.Recorder(topic: "cti/agents/ben/events", broker: broker)
        defer { Task { await annaEvents.stop(); await benEvents.stop() } }
        try await eventually(timeout: .seconds(10), "both phones online") {
            let phones = try await bus.api("GET", "/api/v1/phones").text
            return phones.components(separatedBy: #""online":true"#).count == 3
        }
        try await Task.sleep(for: .seconds(1))

        let dialled = try await bus.command("anna", #"{"action":"dial","to":"\#(b.sipURI)"}"#)
        #expect(dialled["ok"] as? Bool == true, "\(dialled)")
        try await eventually(timeout: .seconds(10), "B alerting on MQTT") {
            AgentBus.notifications(benEvents).contains { $0.type == "call.incoming" }
        }
        let answered = try await bus.command("ben", #"{"action":"answer"}"#)
        #expect(answered["ok"] as? Bool == true, "\(answered)")
        try await eventually(timeout: .seconds(10), "both connected") {
            AgentBus.notifications(annaEvents).contains { $0.type == "call.connected" }
                && AgentBus.notifications(benEvents).contains { $0.type == "call.connected" }
        }
        #expect(try await bus.agent("anna")["onCall"] as? Bool == true)
        #expect(try await bus.agent("ben")["onCall"] as? Bool == true)
        try await body(a, b, bus, annaEvents, benEvents)
    }

    @Test("A dials B through the bridge: B alerting on MQTT, the bridge answers B, both connected, A hangs up, both cleared normal")
    func realCall() async throws {
        try await Self.withConnectedCall { _, _, bus, annaEvents, benEvents in

            #expect(try await bus.command("anna", #"{"action":"hangup"}"#)["ok"] as? Bool == true)
            try await eventually(timeout: .seconds(10), "both cleared") {
                let ended = { (recorder: MQTTProbe.Recorder) in
                    AgentBus.notifications(recorder).first { $0.type == "call.ended" }
                }
                guard let annaEnded = ended(annaEvents), let benEnded = ended(benEvents) else { return false }
                return (annaEnded.body["call"] as? [String: Any])?["cause"] as? String == "normal"
                    && (benEnded.body["call"] as? [String: Any])?["cause"] as? String == "normal"
            }
            #expect(try await bus.api("GET", "/api/v1/calls").text == "[]")
        }
    }

    @Test("B's process is killed mid-call (no BYE): A's phone notices the silence and A's call ends on the bus; so does B's")
    func calleeKilled() async throws {
        try await Self.withConnectedCall { _, b, bus, annaEvents, benEvents in
            await b.kill()
            let killed = ContinuousClock.now
            try await eventually(timeout: .seconds(15), "A's call ended on MQTT") {
                AgentBus.notifications(annaEvents).contains { $0.type == "call.ended" }
            }
            // baresip's own RTP timeout, plus its 100 ms check and the event's way to the bus.
            #expect(ContinuousClock.now - killed < .seconds(BaresipProcess.rtpTimeoutSeconds + 4))
            #expect(try await bus.agent("anna")["onCall"] as? Bool == false)
            try await eventually(timeout: .seconds(10), "B's call ended too (its phone is gone)") {
                AgentBus.notifications(benEvents).contains { $0.type == "call.ended" }
            }
            #expect(try await bus.agent("ben")["onCall"] as? Bool == false)
            #expect(try await bus.api("GET", "/api/v1/calls").text == "[]")
            #expect(!AgentBus.notifications(annaEvents).contains { $0.type == "call.missed" })
            #expect(!AgentBus.notifications(benEvents).contains { $0.type == "call.missed" })
        }
    }
}
