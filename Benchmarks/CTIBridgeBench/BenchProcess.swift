import Foundation

/// A child process of the benchmark (broker, bridge, reference publisher), its output in a file.
///
/// The benchmark runs its children from the main program, not from test threads, so Foundation's Process
/// delivers signals normally; children are ended with SIGKILL so nothing lingers.
final class BenchProcess: Sendable {
    private let process: Process

    init(_ executable: String, arguments: [String], outputPath: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.contains("/") ? executable : Self.find(executable))
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        if let outputPath {
            // A failure shows as FileHandle's error on the next line.
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        self.process = process
    }

    var pid: Int32 { process.processIdentifier }

    /// The exit code once the process has ended.
    var exitCode: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Waits up to `timeout` for the process to end by itself; its exit code, or nil if still running.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        return exitCode
    }

    func killAndWait() async {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = await waitForExit(timeout: .seconds(10))
    }

    private static func find(_ name: String) -> String {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"
        return paths.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? name
    }
}
