import Foundation
import PhoneDrivers
import Logging
import Testing
import TestSupport

/// The real `ctibridge` binary, run as a child process against a test broker with a generated configuration.
final class BridgeProcess: Sendable {
    let child: ChildProcess
    let directory: URL
    let httpPort: Int
    let configPath: String
    let logPath: String

    /// The binary SwiftPM built next to the test bundle.
    static var binaryPath: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ctibridge").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/ctibridge").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    /// Writes `yaml` (with `BROKER_URL`, `HTTP_PORT` and `STATE_DIR` substituted) and starts the bridge.
    static func start(
        yaml: String, broker: MosquittoBroker, logLevel: String = "info", environment: [String: String] = [:],
        directory existing: URL? = nil, httpPort fixedPort: Int? = nil
    ) async throws -> BridgeProcess {
        let directory = existing ?? FileManager.default.temporaryDirectory.appendingPathComponent("bridge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let httpPort = fixedPort ?? FreePort.next()
        let text = yaml.replacingOccurrences(of: "BROKER_URL", with: broker.urlString)
            .replacingOccurrences(of: "HTTP_PORT", with: "\(httpPort)")
            .replacingOccurrences(of: "STATE_DIR", with: directory.path)
        let configPath = directory.appendingPathComponent("drivers.yaml").path
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = directory.appendingPathComponent("bridge.log").path
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        let child = try ChildProcess(
            binaryPath, arguments: ["run", "--config", configPath, "--log-level", logLevel], environment: env,
            outputPath: logPath)
        let bridge = BridgeProcess(child: child, directory: directory, httpPort: httpPort, configPath: configPath, logPath: logPath)
        try await eventually(timeout: .seconds(10), "bridge HTTP port \(httpPort) accepting") {
            if let code = child.exitStatus { throw BridgeExited(code: code.code, log: bridge.log) }
            return FreePort.isAccepting(port: httpPort)
        }
        return bridge
    }

    private init(child: ChildProcess, directory: URL, httpPort: Int, configPath: String, logPath: String) {
        self.child = child
        self.directory = directory
        self.httpPort = httpPort
        self.configPath = configPath
        self.logPath = logPath
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    var baseURL: String { "http://127.0.0.1:\(httpPort)" }

    /// The tokens the bridge generated for phones without a configured one.
    var eventTokens: [String: String] {
        let path = directory.appendingPathComponent("var/event-tokens.json").path
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }

    /// What `ctibridge phone-config <phone>` prints for the installer, run against this bridge's configuration.
    func phoneConfig(_ phone: String) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pc-\(UUID().uuidString)").path
        let printer = try ChildProcess(
            Self.binaryPath, arguments: ["phone-config", "--config", configPath, phone], outputPath: output)
        #expect(await printer.waitForExit(timeout: .seconds(10)) == 0)
        defer { try? FileManager.default.removeItem(atPath: output) }
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    func stop() async {
        await child.killAndWait()
    }

    struct BridgeExited: Error, CustomStringConvertible {
        let code: Int32
        let log: String
        var description: String { "ctibridge exited with \(code):\n\(log)" }
    }
}

/// A plain HTTP client for tests: the project's own libcurl client, shared by the suite.
enum TestHTTP {
    static let client = PhoneHTTPClient(logger: Logger(label: "test-http"))

    static func get(_ url: String) async throws -> PhoneHTTPResponse {
        try await client.execute(.get(url, totalTimeout: .seconds(5)))
    }

    static func post(_ url: String, body: String = "", contentType: String = "application/json") async throws
        -> PhoneHTTPResponse
    {
        try await client.execute(.post(url, body: Array(body.utf8), contentType: contentType, totalTimeout: .seconds(5)))
    }
}
