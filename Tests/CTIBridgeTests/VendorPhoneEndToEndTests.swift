import Foundation
import Testing
import TestSupport

/// A vendor phone through the whole bridge: the Yealink emulator provisioned with `ctibridge phone-config`,
/// its action URLs reaching the real binary, commands reaching the emulator, and the result on MQTT.
@Suite("Vendor phone end to end", .serialized, .timeLimit(.minutes(2)))
struct VendorPhoneEndToEndTests {
    @Test("Yealink: provisioning, ringing, answer and hang-up through the bridge; an injection never reaches the phone")
    func yealinkThroughTheBridge() async throws {
        let phone = try await YealinkPhoneEmulator.start()
        let broker = try await MosquittoBroker.start()
        let yaml = """
            bridge:
              http: { listen: "127.0.0.1:HTTP_PORT", publicUrl: "http://127.0.0.1:HTTP_PORT" }
              state: STATE_DIR/var/ctibridge.sqlite
              defaultCountry: GB
              apiKeys: [{ name: t, key: \(AgentBus.apiKey) }]
              phoneHealth: { intervalSeconds: 0.3, retrySeconds: 0.3, retryMaxSeconds: 0.5 }
            mqtt: { url: BROKER_URL }
            agents:
              - { id: alice, name: Alice Smith, phones: [desk] }
            phones:
              - { id: desk, driver: yealink, url: "\(phone.baseURL)", username: admin, password: "Yea-s3cret!", eventToken: yealink-token-0123456789 }
            """
        let bridge = try await BridgeProcess.start(yaml: yaml, broker: broker)
        let bus = AgentBus(bridge: bridge, broker: broker)
        defer { Task { await bridge.stop(); await broker.stop(); await phone.stop() } }

        // The installer's step: what phone-config prints goes onto the phone.
        let provisioning = try await bridge.phoneConfig("desk")
        #expect(provisioning.contains("yealink-token-0123456789"))
        #expect(!provisioning.contains("Yea-s3cret!"), "the phone's own password is not printed")
        #expect(phone.loadConfiguration(provisioning) >= 10)

        try await eventually(timeout: .seconds(5), "phone online") {
            try await MQTTProbe.retainedPayload(on: "cti/phones/desk", broker: broker)?.contains(#""online":true"#) == true
        }
        let events = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
        defer { Task { await events.stop() } }
        try await Task.sleep(for: .milliseconds(300))

        let callID = await phone.ring(from: "01632960123", displayName: "Dave")
        try await eventually(timeout: .seconds(5), "call.incoming on MQTT") {
            AgentBus.notifications(events).contains { $0.type == "call.incoming" }
        }
        let answered = try await bus.command("alice", #"{"action":"answer"}"#)
        #expect(answered["ok"] as? Bool == true, "\(answered)")
        #expect(phone.executedKeys.contains("ASW:\(callID)"), "\(phone.executedKeys)")
        try await eventually(timeout: .seconds(5), "connected") {
            (try await bus.agent("alice")["calls"] as? [[String: Any]])?.first?["state"] as? String == "connected"
        }
        #expect(try await bus.command("alice", #"{"action":"hangup"}"#)["ok"] as? Bool == true)
        try await eventually(timeout: .seconds(5), "ended") {
            AgentBus.notifications(events).contains { $0.type == "call.ended" }
        }
        let remote = AgentBus.notifications(events).first { $0.type == "call.incoming" }?.body["call"] as? [String: Any]
        #expect((remote?["remote"] as? [String: Any])?["number"] as? String == "+441632960123")

        // An injection attempt never reaches the phone.
        let refused = try await bus.command("alice", #"{"action":"dial","to":"1234&key=OK"}"#)
        #expect((refused["error"] as? [String: Any])?["code"] as? String == "invalidNumber")
        try await Task.sleep(for: .milliseconds(200))
        #expect(!phone.targets.contains { $0.contains("1234") }, "\(phone.targets)")
    }
}
