import Foundation
import Logging
import Testing
import TestSupport

@testable import CTIBridge

/// Issue 5's acceptance: commands over REST and MQTT against a real broker and simulated phones.
@Suite("Commands end to end", .serialized, .timeLimit(.minutes(3)))
struct CommandsEndToEndTests {
    static func start() async throws -> (AgentBus, MosquittoBroker) {
        let (bus, broker) = try await AgentStateEndToEndTests.start(extraAgentKeys: "clickToDialToken: alice-click-to-dial-0123456789")
        return (bus, broker)
    }

    @Test("every action over REST does what it says")
    func everyActionOverREST() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        func ok(_ json: String) async throws {
            let result = try await bus.command("alice", json)
            #expect(result["ok"] as? Bool == true, "\(json) → \(result)")
        }
        try await ok(#"{"action":"login"}"#)
        try await ok(#"{"action":"away"}"#)
        try await ok(#"{"action":"ready"}"#)
        try await ok(#"{"action":"queue","queue":"support","enabled":false}"#)
        try await ok(#"{"action":"presence","id":"meeting","message":"back at 4"}"#)
        try await ok(#"{"action":"favorite","contact":"bob","on":true}"#)
        try await ok(#"{"action":"dnd","on":true}"#)
        try await ok(#"{"action":"dnd","on":false}"#)
        try await ok(#"{"action":"forward","to":"0800 123 456"}"#)
        try await ok(#"{"action":"forward","to":null}"#)
        let agent = try await bus.agent("alice")
        #expect((agent["presence"] as? [String: Any])?["message"] as? String == "back at 4")
        #expect((agent["acd"] as? [String: Any]).flatMap { $0["queues"] as? [String: Bool] } == ["sales": true, "support": false])
        // The phones echo each setting back as events, so the last one (none) settles a moment later.
        try await eventually(timeout: .seconds(3), "forwarding off") { try await bus.agent("alice")["forwardTo"] is NSNull }

        let dial = try await bus.command("alice", #"{"action":"dial","to":"+44 1632 960123","requestId":"d1"}"#)
        #expect(dial["ok"] as? Bool == true)
        let callID = try #require(dial["callId"] as? String)
        try await eventually(timeout: .seconds(5), "far end answers") {
            (try await bus.agent("alice")["calls"] as? [[String: Any]])?.first?["state"] as? String == "connected"
        }
        try await ok(#"{"action":"hold"}"#)
        try await eventually(timeout: .seconds(5), "held") {
            (try await bus.agent("alice")["calls"] as? [[String: Any]])?.first?["state"] as? String == "held"
        }
        try await ok(#"{"action":"resume","callId":"\#(callID)"}"#)
        try await ok(#"{"action":"transfer","to":"202"}"#)
        try await eventually(timeout: .seconds(5), "transferred away") { (try await bus.agent("alice")["calls"] as? [Any])?.isEmpty == true }

        try await bus.phone("alice-desk", "ring", "from=%2B441632960123")
        try await eventually(timeout: .seconds(5), "ringing") { (try await bus.agent("alice")["calls"] as? [Any])?.count == 1 }
        try await ok(#"{"action":"answer"}"#)
        try await ok(#"{"action":"hangup"}"#)
        let resync = try await bus.command("alice", #"{"action":"resync"}"#)
        #expect(resync["ok"] as? Bool == true, "\(resync)")
        try await ok(#"{"action":"mode","mode":"softphone"}"#)
        let softDial = try await bus.command("alice", #"{"action":"dial","to":"201"}"#)
        #expect((softDial["error"] as? [String: Any])?["code"] as? String == "invalidState")
        #expect(((softDial["error"] as? [String: Any])?["message"] as? String)?.contains("softphone") == true)
        try await ok(#"{"action":"away"}"#)
        try await ok(#"{"action":"logout"}"#)
        #expect(try await bus.acdState("alice") == "loggedOut")
    }

    @Test("MQTT commands answer on the response topic with correlation data, or on command/result")
    func overMQTT() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        let results = try MQTTProbe.Recorder(topic: "cti/agents/alice/command/result", broker: broker)
        let replies = try MQTTProbe.Recorder(topic: "crm/replies/#", broker: broker)
        defer { Task { await results.stop(); await replies.stop() } }
        try await Task.sleep(for: .milliseconds(300))

        try await Self.publish(broker, topic: "cti/agents/alice/command", #"{"action":"login","requestId":"m1"}"#)
        try await eventually(timeout: .seconds(5), "result on command/result") {
            results.lines.contains { $0.contains(#""requestId":"m1""#) && $0.contains(#""ok":true"#) }
        }
        try await Self.publish(
            broker, topic: "cti/agents/alice/command", #"{"action":"endWrap","requestId":"m2"}"#,
            properties: ["-D", "publish", "response-topic", "crm/replies/7", "-D", "publish", "correlation-data", "corr-42"])
        try await eventually(timeout: .seconds(5), "reply on the response topic") {
            replies.lines.contains { $0.hasPrefix("crm/replies/7 ") && $0.contains(#""code":"invalidState""#) }
        }
        #expect(!results.lines.contains { $0.contains(#""requestId":"m2""#) })
        // The correlation data comes back byte for byte.
        let correlated = try await Self.subscribeOnce(broker, topic: "crm/replies/8", format: "%D") {
            try await Self.publish(
                broker, topic: "cti/agents/alice/command", #"{"action":"ready","requestId":"m3"}"#,
                properties: ["-D", "publish", "response-topic", "crm/replies/8", "-D", "publish", "correlation-data", "corr-43"])
        }
        #expect(correlated == "corr-43")
        try await Self.publish(broker, topic: "cti/agents/nobody/command", #"{"action":"login","requestId":"m4"}"#)
        let unknown = try MQTTProbe.Recorder(topic: "cti/agents/nobody/command/result", broker: broker)
        defer { Task { await unknown.stop() } }
        try await Task.sleep(for: .milliseconds(300))
        try await Self.publish(broker, topic: "cti/agents/nobody/command", #"{"action":"login","requestId":"m5"}"#)
        try await eventually(timeout: .seconds(5), "unknownAgent") { unknown.lines.contains { $0.contains("unknownAgent") } }
    }

    @Test("REST needs a valid API key; click-to-dial needs the agent's own token")
    func authentication() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        #expect(try await bus.api("GET", "/api/v1/agents", key: nil).status == 401)
        let wrong = try await bus.api("GET", "/api/v1/agents", key: "not-the-key-0123456789")
        #expect(wrong.status == 401)
        #expect(wrong.text.contains(#""code":"unauthorized""#))
        #expect(try await bus.api("POST", "/api/v1/agents/alice/commands", body: #"{"action":"login"}"#, key: nil).status == 401)
        #expect(try await bus.api("GET", "/api/v1/agents").status == 200)
        #expect(try await TestHTTP.get("\(bus.bridge.baseURL)/healthz").status == 200)

        let link = "\(bus.bridge.baseURL)/api/v1/agents/alice/dial?to=%2B441632960123"
        #expect(try await TestHTTP.get(link).status == 401)
        #expect(try await TestHTTP.get(link + "&token=wrong-token-0123456789").status == 401)
        #expect(try await TestHTTP.get("\(bus.bridge.baseURL)/api/v1/agents/bob/dial?to=201&token=alice-click-to-dial-0123456789").status == 401)
        let dialled = try await TestHTTP.get(link + "&token=alice-click-to-dial-0123456789")
        #expect(dialled.status == 200, "\(dialled.text)")
        // A double click dials once.
        let again = try await TestHTTP.get(link + "&token=alice-click-to-dial-0123456789")
        #expect(again.text == dialled.text)
        try await Task.sleep(for: .milliseconds(300))
        #expect((try await bus.agent("alice")["calls"] as? [Any])?.count == 1)
    }

    /// Thirty-odd bodies that must each get a 4xx with the documented code, never a 5xx, and never a phone request.
    static let malformed: [(String, String, Int)] = [
        ("", "badRequest", 400), ("not json", "badRequest", 400), ("[]", "badRequest", 400), ("42", "badRequest", 400),
        ("null", "badRequest", 400), (#""dial""#, "badRequest", 400), ("{", "badRequest", 400), ("{}", "badRequest", 400),
        (#"{"action":1}"#, "badRequest", 400), (#"{"action":null}"#, "badRequest", 400), (#"{"action":"fly"}"#, "badRequest", 400),
        (#"{"action":"dial"}"#, "badRequest", 400), (#"{"action":"dial","to":1234}"#, "badRequest", 400),
        (#"{"action":"dial","to":["1"]}"#, "badRequest", 400), (#"{"action":"dial","to":"1234&key=OK"}"#, "invalidNumber", 400),
        (#"{"action":"dial","to":"1234;CALLEND"}"#, "invalidNumber", 400), (#"{"action":"dial","to":"12\"34"}"#, "invalidNumber", 400),
        (#"{"action":"dial","to":"12<x>"}"#, "invalidNumber", 400), (#"{"action":"dial","to":"12%0d%0a"}"#, "invalidNumber", 400),
        (#"{"action":"dial","to":"1234#&x=1"}"#, "invalidNumber", 400), (#"{"action":"dial","to":"12\r\n34"}"#, "invalidNumber", 400),
        (#"{"action":"dial","to":""}"#, "invalidNumber", 400), (#"{"action":"dial","to":"+44","extra":1}"#, "badRequest", 400),
        (#"{"action":"dnd"}"#, "badRequest", 400), (#"{"action":"dnd","on":"yes"}"#, "badRequest", 400),
        (#"{"action":"dnd","on":1}"#, "badRequest", 400), (#"{"action":"queue","queue":"sales"}"#, "badRequest", 400),
        (#"{"action":"queue","queue":"nope","enabled":true}"#, "badRequest", 400), (#"{"action":"mode","mode":"web"}"#, "badRequest", 400),
        (#"{"action":"presence"}"#, "badRequest", 400), (#"{"action":"presence","id":"nope"}"#, "badRequest", 400),
        (#"{"action":"forward","to":"abc"}"#, "invalidNumber", 400), (#"{"action":"transfer","to":"1;2"}"#, "invalidNumber", 400),
        (#"{"action":"dial","to":"123","requestId":7}"#, "badRequest", 400), (#"{"action":"dial","phone":"bob-desk","to":"1"}"#, "badRequest", 400),
        (#"{"action":"endWrap"}"#, "invalidState", 409), (#"{"action":"answer"}"#, "noCall", 409),
        (#"{"action":"hangup","callId":"no-such-call"}"#, "noCall", 409),
        (String(repeating: " ", count: 20_000) + "{}", "badRequest", 400),
    ]

    @Test("malformed and invalid commands: the documented 4xx, never a 5xx, nothing reaches a phone")
    func malformedBodies() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        #expect(Self.malformed.count >= 30)
        for (body, code, status) in Self.malformed {
            let response = try await bus.api("POST", "/api/v1/agents/alice/commands", body: body)
            #expect(response.status == status, "\(body.prefix(60)) → \(response.status) \(response.text)")
            #expect(response.text.contains(#""code":"\#(code)""#), "\(body.prefix(60)) → \(response.text)")
            #expect(response.status < 500)
        }
        let unknown = try await bus.api("POST", "/api/v1/agents/nobody/commands", body: #"{"action":"login"}"#)
        #expect(unknown.status == 404)
        #expect(unknown.text.contains("unknownAgent"))
        #expect(try await bus.api("GET", "/api/v1/calls").text == "[]", "no call was started by any of them")
        #expect(try await TestHTTP.get("\(bus.bridge.baseURL)/metrics").text.contains(#"http_response_status_code="5"#) == false)
    }

    @Test("a requestId seen again within 60 s returns the first result and does not dial twice")
    func idempotency() async throws {
        let (bus, broker) = try await Self.start()
        defer { Task { await bus.bridge.stop(); await broker.stop() } }
        let body = #"{"action":"dial","to":"+441632960123","requestId":"crm-double-click"}"#
        async let first = bus.command("alice", body)
        async let second = bus.command("alice", body)
        let (a, b) = try await (first, second)
        #expect(a["ok"] as? Bool == true)
        #expect(a["callId"] as? String == b["callId"] as? String)
        let third = try await bus.command("alice", body)
        #expect(third["callId"] as? String == a["callId"] as? String)
        try await Task.sleep(for: .milliseconds(300))
        #expect((try await bus.agent("alice")["calls"] as? [Any])?.count == 1)
        let different = try await bus.command("alice", #"{"action":"hangup","requestId":"crm-hangup"}"#)
        #expect(different["ok"] as? Bool == true)
    }

    @Test("the OpenAPI document names every API route, and docs/openapi.json is the served document")
    func openAPICompleteness() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)")
        let configuration = try ConfigurationLoader(environment: [:]).load(
            yaml: "bridge: { state: \(directory.path)/s.sqlite }\nagents:\n  - { id: a, phones: [p] }\nphones:\n  - { id: p, driver: simulator }\n",
            file: "t.yaml", baseFolder: directory.path)
        let runtime = try BridgeRuntime.make(configuration: configuration, logger: Logger(label: "t"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let apiRoutes = runtime.routes.filter { $0.contains("/api/v1") }
        #expect(apiRoutes.count >= 12)
        for route in apiRoutes {
            let parts = route.split(separator: " ")
            let method = parts[0].lowercased()
            let path = parts[1].split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                .joined(separator: "/")
            #expect(paths["/" + path]?[method] != nil, "\(route) is missing from the OpenAPI document")
        }
        let docsCopy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")
        let committed = try JSONSerialization.jsonObject(with: Data(contentsOf: docsCopy)) as? NSDictionary
        #expect(committed == document as NSDictionary, "docs/openapi.json is stale: run ctibridge openapi > docs/openapi.json")
    }

    static func publish(_ broker: MosquittoBroker, topic: String, _ payload: String, properties: [String] = []) async throws {
        let child = try ChildProcess(
            "mosquitto_pub",
            arguments: ["-h", "127.0.0.1", "-p", "\(broker.port)", "-V", "mqttv5", "-q", "1", "-t", topic, "-m", payload] + properties)
        _ = await child.waitForExit(timeout: .seconds(5))
    }

    /// Subscribes, runs `action`, and returns the first message formatted with mosquitto_sub's `-F`.
    static func subscribeOnce(_ broker: MosquittoBroker, topic: String, format: String, _ action: () async throws -> Void)
        async throws -> String
    {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sub-\(UUID().uuidString)").path
        let child = try ChildProcess(
            "mosquitto_sub",
            arguments: ["-h", "127.0.0.1", "-p", "\(broker.port)", "-V", "mqttv5", "-t", topic, "-C", "1", "-W", "5", "-F", format],
            outputPath: output)
        try await Task.sleep(for: .milliseconds(300))
        try await action()
        _ = await child.waitForExit(timeout: .seconds(8))
        return ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
