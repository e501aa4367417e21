import Foundation
import PhoneDrivers
import Testing
import TestSupport

/// Many agents taking many calls through simulated phones; afterwards every agent is back where she belongs,
/// no call topic is left retained and the bridge's memory is back near its baseline.
///
/// CI runs a small size; the issue's size is `SOAK_AGENTS=1000 SOAK_CALLS=20 swift test --filter Soak`.
@Suite("Soak", .serialized, .timeLimit(.minutes(20)))
struct SoakTests {
    static let agents = Int(ProcessInfo.processInfo.environment["SOAK_AGENTS"] ?? "") ?? 40
    static let callsPerAgent = Int(ProcessInfo.processInfo.environment["SOAK_CALLS"] ?? "") ?? 3

    @Test("agents × calls through simulated phones leave no trace")
    func soak() async throws {
        let broker = try await MosquittoBroker.start()
        var yaml = """
            bridge:
              http: { listen: "127.0.0.1:HTTP_PORT" }
              state: STATE_DIR/var/ctibridge.sqlite
              apiKeys: [{ name: t, key: \(AgentBus.apiKey) }]
              phoneHealth: { intervalSeconds: 60 }
            mqtt: { url: BROKER_URL }
            queues:
              - { id: q, wrapSeconds: 0, numbers: ["+442079460100"] }
            agents:

            """
        for index in 0..<Self.agents {
            yaml += "  - { id: a\(index), queues: [q], phones: [p\(index)] }\n"
        }
        yaml += "phones:\n"
        for index in 0..<Self.agents {
            yaml += "  - { id: p\(index), driver: simulator, eventToken: soak-token-\(String(format: "%08d", index)), "
                + "options: { autoAnswerSeconds: 0.02, farEndHangupSeconds: 0.05 } }\n"
        }
        let bridge = try await BridgeProcess.start(yaml: yaml, broker: broker, logLevel: "warning")
        let bus = AgentBus(bridge: bridge, broker: broker)
        defer { Task { await bridge.stop(); await broker.stop() } }

        try await forEachAgent { index in
            _ = try await bus.command("a\(index)", #"{"action":"login"}"#)
        }
        try await settled(bus)
        let baseline = rss(of: bridge.child.pid)
        let started = ContinuousClock.now
        for round in 0..<Self.callsPerAgent {
            try await forEachAgent { index in
                let token = "soak-token-\(String(format: "%08d", index))"
                let response = try await TestHTTP.get(
                    "\(bridge.baseURL)/phones/p\(index)/events/ring?token=\(token)&from=%2B4416329\(String(format: "%05d", round))&to=%2B442079460100")
                #expect(response.status == 200)
            }
            try await settled(bus)
        }
        let elapsed = ContinuousClock.now - started
        try await Task.sleep(for: .seconds(2))
        let after = rss(of: bridge.child.pid)

        let agents = try JSONSerialization.jsonObject(with: Data(try await bus.api("GET", "/api/v1/agents").body)) as? [[String: Any]] ?? []
        #expect(agents.count == Self.agents)
        for agent in agents {
            #expect((agent["acd"] as? [String: Any])?["state"] as? String == "ready", "\(agent["id"] ?? "?")")
            #expect((agent["calls"] as? [Any])?.isEmpty == true)
        }
        #expect(try await bus.api("GET", "/api/v1/calls").text == "[]")
        let leftover = try await MQTTProbe.retainedPayload(on: "cti/calls/+", broker: broker, timeout: .seconds(1))
        #expect(leftover == nil, "a call topic is still retained: \(leftover ?? "")")
        let history = try await bus.api("GET", "/api/v1/agents/a0/history?limit=500")
        let entries = try JSONSerialization.jsonObject(with: Data(history.body)) as? [Any] ?? []
        #expect(entries.count == Self.callsPerAgent)
        let calls = Self.agents * Self.callsPerAgent
        print(
            "soak: \(Self.agents) agents × \(Self.callsPerAgent) calls = \(calls) calls in \(elapsed); "
                + "RSS baseline \(baseline / 1024) MiB, after \(after / 1024) MiB")
        // History rows live in SQLite; in memory each agent keeps at most 500 recent entries.
        #expect(after < baseline + 64 * 1024 + calls / 4, "RSS grew from \(baseline) KiB to \(after) KiB")
    }

    /// Runs `body` for every agent index, 32 at a time.
    func forEachAgent(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for _ in 0..<min(32, Self.agents) {
                let index = next
                next += 1
                group.addTask { try await body(index) }
            }
            while try await group.next() != nil {
                if next < Self.agents {
                    let index = next
                    next += 1
                    group.addTask { try await body(index) }
                }
            }
        }
    }

    /// Waits until no call is live and every agent is ready.
    func settled(_ bus: AgentBus) async throws {
        try await eventually(timeout: .seconds(120), pollInterval: .milliseconds(200), "all calls ended") {
            guard try await bus.api("GET", "/api/v1/calls").text == "[]" else { return false }
            let queues = try await bus.api("GET", "/api/v1/queues").text
            return queues.contains(#""ready":\#(Self.agents)"#)
        }
    }

    /// Resident memory of a process in KiB.
    func rss(of pid: pid_t) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
