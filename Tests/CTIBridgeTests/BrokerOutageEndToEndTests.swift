import Foundation
import Testing
import TestSupport

/// Issue 8's broker part, on the real binary: after the bridge loses the broker and comes back, no event is
/// published twice as new, and commands that waited in the broker meanwhile are answered or expire clearly.
@Suite("Broker outages", .serialized, .timeLimit(.minutes(2)))
struct BrokerOutageEndToEndTests {
    static let yaml = """
        bridge:
          id: outage
          http: { listen: "127.0.0.1:HTTP_PORT" }
          state: STATE_DIR/var/ctibridge.sqlite
          defaultCountry: GB
          apiKeys: [{ name: t, key: \(AgentBus.apiKey) }]
        mqtt: { url: BROKER_URL, keepAliveSeconds: 5 }
        agents:
          - { id: alice, name: Alice Smith, extension: "201", phones: [alice-desk] }
        phones:
          - { id: alice-desk, driver: simulator }
        """

    static func start() async throws -> (AgentBus, MosquittoBroker) {
        let broker = try await MosquittoBroker.start()
        let bridge = try await BridgeProcess.start(yaml: yaml, broker: broker)
        let bus = AgentBus(bridge: bridge, broker: broker)
        try await bus.command("alice", #"{"action":"login"}"#)
        try await bus.waitForACD("alice", "ready")
        return (bus, broker)
    }

    static func count(_ type: String, _ recorder: MQTTProbe.Recorder) -> Int {
        AgentBus.notifications(recorder).filter { $0.type == type }.count
    }

    static func publishCommand(_ json: String, broker: MosquittoBroker) async throws {
        let publisher = try ChildProcess(
            "mosquitto_pub",
            arguments: ["-h", "127.0.0.1", "-p", "\(broker.port)", "-V", "mqttv5", "-q", "1", "-t", "cti/agents/alice/command", "-m", json])
        #expect(await publisher.waitForExit(timeout: .seconds(5)) == 0)
    }

    @Test("commands sent while the bridge was cut off from the broker are answered after it is back, or expire; no event twice")
    func commandsWhileAway() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        let events = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
        let results = try MQTTProbe.Recorder(topic: "cti/agents/alice/command/result", broker: broker)
        defer { Task { await events.stop(); await results.stop() } }
        try await Task.sleep(for: .milliseconds(300))
        try await bus.phone("alice-desk", "ring", "from=%2B441632960555")
        try await eventually(timeout: .seconds(5), "call.incoming") { Self.count("call.incoming", events) == 1 }

        // The bridge freezes; the broker gives up on it after 1.5 × keepalive and keeps its session.
        bus.bridge.child.signal(SIGSTOP)
        var resumed = false
        defer { if !resumed { bus.bridge.child.signal(SIGCONT) } }
        try await eventually(timeout: .seconds(12), "broker dropped the bridge") {
            broker.logTail(lines: 100).contains("exceeded timeout")
        }
        try await Self.publishCommand(#"{"action":"answer","requestId":"away-1"}"#, broker: broker)
        let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(1))
        try await Self.publishCommand(
            #"{"action":"dial","to":"+441632960999","requestId":"away-2","expiresAt":"\#(soon)"}"#, broker: broker)
        try await Task.sleep(for: .seconds(1.5))
        bus.bridge.child.signal(SIGCONT)
        resumed = true

        try await eventually(timeout: .seconds(10), "both commands answered") {
            let text = results.lines.joined(separator: "\n")
            return text.contains("away-1") && text.contains("away-2")
        }
        let answers = results.lines.compactMap { line -> [String: Any]? in
            guard let space = line.firstIndex(of: " ") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line[line.index(after: space)...].utf8)) as? [String: Any]
        }
        let answered = try #require(answers.first { $0["requestId"] as? String == "away-1" })
        #expect(answered["ok"] as? Bool == true, "\(answered)")
        let expired = try #require(answers.first { $0["requestId"] as? String == "away-2" })
        let error = try #require(expired["error"] as? [String: Any], "\(expired)")
        #expect(error["code"] as? String == "expired")
        #expect((error["message"] as? String)?.contains("nothing was done") == true)

        try await eventually(timeout: .seconds(5), "the answer reached the phone") {
            (try await bus.agent("alice")["calls"] as? [[String: Any]])?.first?["state"] as? String == "connected"
        }
        #expect((try await bus.agent("alice")["calls"] as? [[String: Any]])?.count == 1, "the expired dial rang nothing")
        try await eventually(timeout: .seconds(5), "call.connected") { Self.count("call.connected", events) == 1 }
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.count("call.incoming", events) == 1, "the ringing call is not announced again after the reconnect")
        #expect(Self.count("call.connected", events) == 1)
        #expect(answers.filter { $0["requestId"] as? String == "away-1" }.count == 1, "answered once")
    }

    @Test("after a broker restart the bridge republishes state, not old events: a ringing call is not announced again")
    func noEventTwiceAfterRestart() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        let before = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
        try await Task.sleep(for: .milliseconds(300))
        try await bus.phone("alice-desk", "ring", "from=%2B441632960555")
        try await eventually(timeout: .seconds(5), "call.incoming") { Self.count("call.incoming", before) == 1 }
        let callID = try #require(
            (AgentBus.notifications(before).first?.body["call"] as? [String: Any])?["id"] as? String)
        await before.stop()

        try await broker.restart()
        let after = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
        defer { Task { await after.stop() } }
        try await eventually(timeout: .seconds(10), "call state republished") {
            try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker, timeout: .seconds(1))?
                .contains(#""state":"alerting""#) == true
        }
        try await bus.phone("alice-desk", "pickup")
        try await eventually(timeout: .seconds(5), "call.connected") { Self.count("call.connected", after) == 1 }
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.count("call.incoming", after) == 0, "\(after.lines)")
        #expect(Self.count("call.connected", after) == 1)
    }
}
