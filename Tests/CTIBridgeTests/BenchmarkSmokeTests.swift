import Foundation
import Testing
import TestSupport

/// `ctibridge-bench` still runs end to end: a few phones for a second, so the on-demand benchmark cannot rot.
@Suite("Benchmark smoke", .timeLimit(.minutes(1)))
struct BenchmarkSmokeTests {
    @Test(
        "the event benchmark measures callbacks to the subscriber and the bare-bus reference",
        arguments: ["simulator", "yealink"])
    func eventBenchmarkRuns(driver: String) async throws {
        let text = try await runBench([
            "events", "--driver", driver, "--phones", "5", "--seconds", "1", "--rates", "50", "--warmup", "0",
        ])
        let paced = text.split(separator: "\n").first { $0.hasPrefix("  50 events/s:") } ?? ""
        #expect(paced.contains(" events, 0 lost, 0 failed requests)"), "\(text)")
        #expect(text.contains("ratio bridge/reference"), "\(text)")
        let bus = text.split(separator: "\n").first { $0.hasPrefix("  reference latency at ") } ?? ""
        #expect(bus.contains(", 0 lost, p50 ") && !bus.contains(" events/s): 0 messages/s"), "\(text)")
    }

    @Test("the command benchmark times dial commands to the emulated phones at a fixed rate and serialised")
    func commandBenchmarkRuns() async throws {
        let text = try await runBench(["commands", "--phones", "5", "--seconds", "1", "--rates", "20"])
        let lines = text.split(separator: "\n")
        let paced = lines.first { $0.hasPrefix("  across 5 phones at 20 commands/s:") } ?? ""
        // Something arrived (a run where nothing was reported would also show 0 lost).
        #expect(paced.hasSuffix(", 0 lost") && !paced.contains(" commands/s: 0 commands/s"), "\(text)")
        #expect(
            lines.contains {
                $0.hasPrefix("  one phone, serialised:") && $0.hasSuffix(", 0 lost") && !$0.contains("serialised: 0 commands/s")
            }, "\(text)")
    }

    /// Runs `ctibridge-bench` against the bridge binary the tests use; returns what it printed.
    private func runBench(_ arguments: [String]) async throws -> String {
        let folder = URL(fileURLWithPath: BridgeProcess.binaryPath).deletingLastPathComponent()
        let bench = folder.appendingPathComponent("ctibridge-bench").path
        try #require(FileManager.default.isExecutableFile(atPath: bench), "build ctibridge-bench first")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: output) }
        let child = try ChildProcess(bench, arguments: arguments + ["--binary", BridgeProcess.binaryPath], outputPath: output.path)
        let code = await child.waitForExit(timeout: .seconds(40))
        if code == nil { await child.killAndWait() }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(code == 0, "\(text)")
        return text
    }
}
