import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTPS server on 127.0.0.1 (`openssl s_server -www`) with a fresh self-signed certificate.
///
/// `GET /` answers 200 with an HTML status page. The certificate names IP 127.0.0.1 and is its own CA,
/// so passing ``caFile`` as the trust anchor verifies it, while the system trust store rejects it.
public struct TestTLSServer: Sendable {
    /// The bound port on 127.0.0.1.
    public let port: Int
    /// The PEM certificate the server presents, usable as a CA file.
    public let caFile: String

    /// `https://127.0.0.1:<port>`.
    public var baseURL: String { "https://127.0.0.1:\(port)" }

    /// Whether the `openssl` command needed by this server exists.
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: opensslPath)
    }

    static let opensslPath = "/usr/bin/openssl"

    /// Generates a certificate, starts the server, runs `body`, then kills the server (also when `body` throws).
    public static func withServer<Result: Sendable>(_ body: (TestTLSServer) async throws -> Result) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("TestTLSServer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try runToCompletion([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ])

        for _ in 0..<5 {
            let port = try TestSilentTCPListener.unusedPort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: opensslPath)
            process.arguments = [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www", "-quiet",
            ]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // SIGKILL: a child spawned from a test thread may have SIGTERM blocked.
            defer {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            guard try await waitUntilAccepting(port: port, process: process) else { continue }
            return try await body(TestTLSServer(port: port, caFile: certificate))
        }
        throw HTTPTestServerError.didNotStart
    }

    private static func runToCompletion(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opensslPath)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HTTPTestServerError.didNotStart }
    }

    /// Polls until something accepts on the port; `false` if the server died first (e.g. port taken).
    private static func waitUntilAccepting(port: Int, process: Process) async throws -> Bool {
        for _ in 0..<100 {
            guard process.isRunning else { return false }
            if canConnect(port: port) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    private static func canConnect(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
