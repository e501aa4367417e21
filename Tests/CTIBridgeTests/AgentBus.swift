import Foundation
import PhoneDrivers
import Testing
import TestSupport

/// Drives a running bridge the way consumers do: REST with an API key, MQTT commands, simulated phone callbacks,
/// and reads the bus with independent `mosquitto_sub` processes.
struct AgentBus {
    let bridge: BridgeProcess
    let broker: MosquittoBroker
    static let apiKey = "test-api-key-0123456789abcdef"

    func api(_ method: String, _ path: String, body: String? = nil, key: String? = AgentBus.apiKey) async throws
        -> PhoneHTTPResponse
    {
        var request = PhoneHTTPRequest(url: bridge.baseURL + path, totalTimeout: .seconds(10))
        if method == "POST" {
            request.method = .post
            request.body = Array((body ?? "").utf8)
            request.contentType = "application/json"
        }
        if let key { request.headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(key)")) }
        return try await TestHTTP.client.execute(request)
    }

    /// Runs a command over REST and returns the decoded result.
    @discardableResult
    func command(_ agent: String, _ json: String) async throws -> [String: Any] {
        let response = try await api("POST", "/api/v1/agents/\(agent)/commands", body: json)
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    func agent(_ id: String) async throws -> [String: Any] {
        let response = try await api("GET", "/api/v1/agents/\(id)")
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    func acdState(_ id: String) async throws -> String? {
        (try await agent(id)["acd"] as? [String: Any])?["state"] as? String
    }

    /// Calls a simulated phone's event route (`ring`, `hangup`, `pickup`, `power`) with its token.
    @discardableResult
    func phone(_ id: String, _ action: String, _ query: String = "") async throws -> String {
        let token = try #require(bridge.eventTokens[id] ?? BridgeDaemonTests.configuredTokens[id])
        let response = try await TestHTTP.get("\(bridge.baseURL)/phones/\(id)/events/\(action)?token=\(token)&\(query)")
        #expect(response.status == 200, "\(action) on \(id): \(response.status) \(response.text)")
        return response.text
    }

    /// Waits until the agent's ACD state is `state`.
    func waitForACD(_ id: String, _ state: String, timeout: Duration = .seconds(5)) async throws {
        try await eventually(timeout: timeout, "\(id) acd \(state)") { try await acdState(id) == state }
    }

    /// The notifications recorded so far, as (type, payload) pairs.
    static func notifications(_ recorder: MQTTProbe.Recorder) -> [(type: String, body: [String: Any])] {
        recorder.lines.compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            let json = line[line.index(after: space)...]
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                let type = object["type"] as? String
            else { return nil }
            return (type, object)
        }
    }
}
