import Foundation
import Testing
import TestSupport

/// Issue 4's acceptance on a real broker with simulated phones: the agent's day as the desk publishes it.
@Suite("Agent state end to end", .serialized, .timeLimit(.minutes(3)))
struct AgentStateEndToEndTests {
    static func yaml(contactsFile: String, extraAgentKeys: String = "") -> String {
        """
        bridge:
          id: e2e
          http: { listen: "127.0.0.1:HTTP_PORT" }
          state: STATE_DIR/var/ctibridge.sqlite
          defaultCountry: GB
          apiKeys:
            - { name: tests, key: \(AgentBus.apiKey) }
        mqtt: { url: BROKER_URL, keepAliveSeconds: 5 }
        queues:
          - { id: sales, name: Sales, wrapSeconds: 3, numbers: ["+442079460100"] }
          - { id: support, name: Support, wrapSeconds: 0, numbers: ["+442079460200"] }
        presences:
          - { id: available, name: Available, availability: available }
          - { id: meeting, name: In a meeting, availability: unavailable }
        agents:
          - { id: alice, name: Alice Smith, extension: "201", queues: [sales, support], phones: [alice-desk, alice-mobile]\(extraAgentKeys.isEmpty ? "" : ", " + extraAgentKeys) }
          - { id: bob, name: Bob Jones, extension: "202", queues: [sales], phones: [bob-desk] }
        phones:
          - { id: alice-desk, driver: simulator, eventToken: desk-token-0123456789abcdef }
          - { id: alice-mobile, driver: simulator }
          - { id: bob-desk, driver: simulator }
        contacts: { file: \(contactsFile) }
        """
    }

    static func start(extraAgentKeys: String = "") async throws -> (AgentBus, MosquittoBroker) {
        let broker = try await MosquittoBroker.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let contacts = directory.appendingPathComponent("contacts.csv").path
        try "name,number,company\nDave Brown,01632 960123,Acme\n\"Zoë Ünal\",+44 1632 960999,\"Widgets, Ltd\"\n"
            .write(toFile: contacts, atomically: true, encoding: .utf8)
        let bridge = try await BridgeProcess.start(
            yaml: yaml(contactsFile: contacts, extraAgentKeys: extraAgentKeys), broker: broker, directory: directory)
        let bus = AgentBus(bridge: bridge, broker: broker)
        try await eventually(timeout: .seconds(5), "agents published") { try await bus.acdState("alice") == "loggedOut" }
        try await eventually(timeout: .seconds(5), "phones online") {
            let phones = try await bus.api("GET", "/api/v1/phones").text
            return phones.components(separatedBy: #""online":true"#).count == 4
        }
        return (bus, broker)
    }

    @Test("a queue call: incoming with contact and queue → answered → busy → hangup → wrap → timer → ready")
    func queueCallLifecycle() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        let events = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
        defer { Task { await events.stop() } }
        try await Task.sleep(for: .milliseconds(300))

        #expect(try await bus.command("alice", #"{"action":"login","requestId":"l1"}"#)["ok"] as? Bool == true)
        try await bus.waitForACD("alice", "ready")

        try await bus.phone("alice-desk", "ring", "from=01632%20960123&to=%2B442079460100")
        try await eventually(timeout: .seconds(5), "call.incoming") {
            AgentBus.notifications(events).contains { $0.type == "call.incoming" }
        }
        let incoming = try #require(AgentBus.notifications(events).first { $0.type == "call.incoming" })
        let call = try #require(incoming.body["call"] as? [String: Any])
        let remote = try #require(call["remote"] as? [String: Any])
        #expect(remote["number"] as? String == "+441632960123")
        #expect(remote["name"] as? String == "Dave Brown (Acme)" || remote["name"] as? String == "Dave Brown")
        #expect(call["queue"] as? String == "sales")
        let callID = try #require(call["id"] as? String)
        let retained = try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker)
        #expect(retained?.contains(#""state":"alerting""#) == true)

        let answered = try await bus.command("alice", #"{"action":"answer"}"#)
        #expect(answered["ok"] as? Bool == true, "\(answered)")
        #expect(answered["callId"] as? String == callID)
        try await bus.waitForACD("alice", "busy")
        #expect(try await bus.agent("alice")["status"] as? String == "busy")
        #expect(try await bus.agent("alice")["onCall"] as? Bool == true)

        #expect(try await bus.command("alice", #"{"action":"hangup"}"#)["ok"] as? Bool == true)
        try await bus.waitForACD("alice", "wrap")
        let wrapping = try await bus.agent("alice")
        #expect((wrapping["acd"] as? [String: Any])?["wrapEndsAt"] as? String != nil)
        #expect(wrapping["status"] as? String == "wrap")
        try await eventually(timeout: .seconds(5), "call topic cleared") {
            try await MQTTProbe.retainedPayload(on: "cti/calls/\(callID)", broker: broker, timeout: .seconds(1)) == nil
        }
        // wrapSeconds 3: the timer returns her to ready.
        try await bus.waitForACD("alice", "ready", timeout: .seconds(5))
        // The notification travels through the broker; the REST answer above may overtake it.
        try await eventually(timeout: .seconds(2), "acd.wrapEnded") {
            AgentBus.notifications(events).contains { $0.type == "acd.wrapEnded" }
        }
        let types = AgentBus.notifications(events).map(\.type)
        for expected in ["call.incoming", "call.connected", "call.ended", "acd.wrapStarted", "acd.wrapEnded"] {
            #expect(types.contains(expected), "\(expected) in \(types)")
        }
        #expect(!types.contains("call.missed"))
        let queue = try #require(try await MQTTProbe.retainedPayload(on: "cti/queues/sales", broker: broker))
        #expect(queue.contains(#""ready":1"#) && queue.contains(#""loggedOut":1"#), "\(queue)")
    }

    @Test("wrap control: extendWrap restarts the wrap time, endWrap ends it, away during wrap stays away after calls")
    func wrapControl() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        try await bus.waitForACD("alice", "ready")
        let endWrapOutside = try await bus.command("alice", #"{"action":"endWrap"}"#)
        #expect((endWrapOutside["error"] as? [String: Any])?["code"] as? String == "invalidState")

        func queueCall() async throws {
            try await bus.phone("alice-desk", "ring", "from=%2B441632960555&to=%2B442079460100")
            try await eventually(timeout: .seconds(5), "alerting") { (try await bus.agent("alice")["calls"] as? [Any])?.count == 1 }
            #expect(try await bus.command("alice", #"{"action":"answer"}"#)["ok"] as? Bool == true)
            try await bus.waitForACD("alice", "busy")
            #expect(try await bus.command("alice", #"{"action":"hangup"}"#)["ok"] as? Bool == true)
        }

        try await queueCall()
        try await bus.waitForACD("alice", "wrap")
        let first = try #require((try await bus.agent("alice")["acd"] as? [String: Any])?["wrapEndsAt"] as? String)
        try await Task.sleep(for: .milliseconds(1000))
        let extend = try await bus.command("alice", #"{"action":"extendWrap"}"#)
        #expect(extend["ok"] as? Bool == true, "\(extend)")
        let extended = try #require((try await bus.agent("alice")["acd"] as? [String: Any])?["wrapEndsAt"] as? String)
        #expect(extended > first, "extendWrap restarts the full wrap time")
        #expect(try await bus.command("alice", #"{"action":"endWrap"}"#)["ok"] as? Bool == true)
        try await bus.waitForACD("alice", "ready")

        try await queueCall()
        try await bus.waitForACD("alice", "wrap")
        #expect(try await bus.command("alice", #"{"action":"away"}"#)["ok"] as? Bool == true)
        try await bus.waitForACD("alice", "away")
        try await Task.sleep(for: .seconds(4))
        #expect(try await bus.acdState("alice") == "away", "the wrap timer does not end away")
        try await queueCall()
        try await bus.waitForACD("alice", "away")
    }

    @Test("a missed call on an agent with two phones is one missed call; answered on her second phone it is none")
    func multiDeviceMissedCalls() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        let events = try MQTTProbe.Recorder(topic: "cti/agents/alice/events", broker: broker)
        defer { Task { await events.stop() } }
        try await Task.sleep(for: .milliseconds(300))

        // The ACD rings both of her phones; the caller gives up.
        try await bus.phone("alice-desk", "ring", "from=%2B441632960777&to=%2B442079460100")
        try await bus.phone("alice-mobile", "ring", "from=%2B441632960777&to=%2B442079460100")
        try await eventually(timeout: .seconds(5), "ringing") { (try await bus.agent("alice")["calls"] as? [Any])?.count == 1 }
        try await bus.phone("alice-desk", "hangup")
        try await bus.phone("alice-mobile", "hangup")
        try await eventually(timeout: .seconds(5), "call.missed") {
            AgentBus.notifications(events).contains { $0.type == "call.missed" }
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(AgentBus.notifications(events).filter { $0.type == "call.missed" }.count == 1)
        let missed = try await bus.api("GET", "/api/v1/agents/alice/history?missed=true")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(missed.body)) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect((entries.first?["remote"] as? [String: Any])?["number"] as? String == "+441632960777")

        // Again, but she picks up on her mobile; the PBX then cancels the desk leg.
        try await bus.phone("alice-desk", "ring", "from=%2B441632960888&to=%2B442079460100")
        try await bus.phone("alice-mobile", "ring", "from=%2B441632960888&to=%2B442079460100")
        try await eventually(timeout: .seconds(5), "ringing again") { (try await bus.agent("alice")["calls"] as? [Any])?.count == 1 }
        try await bus.phone("alice-mobile", "pickup")
        try await bus.phone("alice-desk", "hangup")
        try await eventually(timeout: .seconds(5), "connected on the mobile") {
            let calls = try await bus.agent("alice")["calls"] as? [[String: Any]]
            return calls?.first?["state"] as? String == "connected" && calls?.first?["phone"] as? String == "alice-mobile"
        }
        try await bus.phone("alice-mobile", "hangup")
        try await eventually(timeout: .seconds(5), "ended") { (try await bus.agent("alice")["calls"] as? [Any])?.isEmpty == true }
        try await Task.sleep(for: .milliseconds(500))
        #expect(AgentBus.notifications(events).filter { $0.type == "call.missed" }.count == 1, "no second missed call")
        let all = try await bus.api("GET", "/api/v1/agents/alice/history")
        let history = try #require(try JSONSerialization.jsonObject(with: Data(all.body)) as? [[String: Any]])
        #expect(history.count == 2)
        #expect(history.first?["missed"] as? Bool == false)
    }

    @Test("SIGKILL and start again: the agent object is the same but for timestamps, history intact")
    func survivesSIGKILL() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await broker.stop() } }
        try await bus.command("alice", #"{"action":"login"}"#)
        try await bus.command("alice", #"{"action":"away"}"#)
        try await bus.command("alice", #"{"action":"presence","id":"meeting","message":"On the road (until 4pm)"}"#)
        try await bus.command("alice", #"{"action":"queue","queue":"support","enabled":false}"#)
        try await bus.command("alice", #"{"action":"favorite","contact":"bob","on":true}"#)
        try await bus.phone("alice-desk", "ring", "from=%2B441632960123")
        try await eventually(timeout: .seconds(5), "ringing") { (try await bus.agent("alice")["calls"] as? [Any])?.count == 1 }
        try await bus.phone("alice-desk", "hangup")
        try await eventually(timeout: .seconds(5), "ended") { (try await bus.agent("alice")["calls"] as? [Any])?.isEmpty == true }
        let before = try await bus.agent("alice")
        let historyBefore = try await bus.api("GET", "/api/v1/agents/alice/history").text

        await bus.bridge.stop()
        let restarted = try await BridgeProcess.start(
            yaml: String(contentsOfFile: bus.bridge.configPath, encoding: .utf8), broker: broker, directory: bus.bridge.directory,
            httpPort: bus.bridge.httpPort)
        defer { Task { await restarted.stop() } }
        let again = AgentBus(bridge: restarted, broker: broker)
        let after = try await again.agent("alice")
        #expect(Self.withoutTimestamps(after) == Self.withoutTimestamps(before))
        #expect(try await again.api("GET", "/api/v1/agents/alice/history").text == historyBefore)
        let retained = try #require(try await MQTTProbe.retainedPayload(on: "cti/agents/alice", broker: broker))
        #expect(retained.contains(#""message":"On the road (until 4pm)""#))
        #expect(retained.contains(#""support":false"#))
        let favorites = try await again.api("GET", "/api/v1/agents/alice/favorites").text
        #expect(favorites.contains(#""id":"bob""#))
    }

    static func withoutTimestamps(_ object: [String: Any]) -> NSDictionary {
        var copy = object
        copy["updatedAt"] = nil
        if var acd = copy["acd"] as? [String: Any] {
            acd["since"] = nil
            copy["acd"] = acd
        }
        return copy as NSDictionary
    }
}
