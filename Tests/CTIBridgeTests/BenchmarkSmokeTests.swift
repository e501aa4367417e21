import Foundation
import Testing
import TestSupport

/// `ctibridge-bench` still runs end to end: a few phones for a second, so the on-demand benchmark cannot rot.
@Suite("Benchmark smoke", .timeLimit(.minutes(1)))
struct BenchmarkSmokeTests {
    @Test("the event benchmark measures callbacks to the subscriber and the bare-bus reference")
    func eventBenchmarkRuns() async throws {
        let folder = URL(fileURLWithPath: BridgeProcess.binaryPath).deletingLastPathComponent()
        let bench = folder.appendingPathComponent("ctibridge-bench").path
        try #require(FileManager.default.isExecutableFile(atPath: bench), "build ctibridge-bench first")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: output) }
        let child = try ChildProcess(
            bench,
            arguments: [
                "events", "--phones", "5", "--seconds", "1", "--rates", "50", "--warmup", "0",
                "--binary", BridgeProcess.binaryPath,
            ],
            outputPath: output.path)
        let code = await child.waitForExit(timeout: .seconds(30))
        if code == nil { await child.killAndWait() }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(code == 0, "\(text)")
        let paced = text.split(separator: "\n").first { $0.hasPrefix("  50 events/s:") } ?? ""
        #expect(paced.contains(" events, 0 lost, 0 failed requests)"), "\(text)")
        #expect(text.contains("ratio bridge/reference"), "\(text)")
    }
}
