import Foundation


/// A private mosquitto and the release `ctibridge` running against it with a generated fleet.
struct BenchBridge: Sendable {
    let broker: BenchBroker
    let child: BenchProcess
    let httpPort: Int
    let directory: URL
    let startedAt: ContinuousClock.Instant

    var baseURL: String { "http://127.0.0.1:\(httpPort)" }

    /// The `ctibridge` next to this executable (both come from `swift build -c release`).
    static var defaultBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("ctibridge").path
    }

    /// Writes the configuration and spawns the bridge.
    static func start(
        binary: String, phones: Int, broker: BenchBroker, healthIntervalSeconds: Int = 60,
        kind: BenchPhones = .simulated
    ) throws -> BenchBridge {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ctibridge-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = LoopbackPort.free()
        let configuration = FleetConfiguration(
            phones: phones, brokerURL: broker.urlString, httpPort: port, stateDirectory: directory.path,
            healthIntervalSeconds: healthIntervalSeconds, kind: kind)
        let configPath = directory.appendingPathComponent("drivers.yaml").path
        try configuration.yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        let startedAt = ContinuousClock.now
        let child = try BenchProcess(
            binary, arguments: ["run", "--config", configPath, "--log-level", "warning"],
            outputPath: directory.appendingPathComponent("bridge.log").path)
        return BenchBridge(broker: broker, child: child, httpPort: port, directory: directory, startedAt: startedAt)
    }

    /// Waits until the HTTP listener accepts connections.
    func waitUntilListening(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !LoopbackPort.isAccepting(httpPort) {
            if let code = child.exitCode {
                throw BenchError("ctibridge exited (\(code)): \(log)")
            }
            guard ContinuousClock.now < deadline else { throw BenchError("ctibridge did not listen within \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    var log: String {
        (try? String(contentsOfFile: directory.appendingPathComponent("bridge.log").path, encoding: .utf8)) ?? ""
    }

    func stop() async {
        await child.killAndWait()
        await broker.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A benchmark that could not run; the message says why.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
