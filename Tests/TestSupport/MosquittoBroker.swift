import Foundation
import MQTTClient
import Synchronization

/// A real mosquitto broker on 127.0.0.1 for one test, in its own temporary directory.
///
/// Persistence is off, so a restart forgets retained messages and sessions, as a broker that lost its disk would.
public final class MosquittoBroker: Sendable {
    /// Errors starting the broker, with the end of its log.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The mosquitto executable, if installed (Debian puts it in /usr/sbin, outside a normal user's PATH).
    public static let executablePath: String? = ChildProcess.find("mosquitto")

    /// Whether tests that need a broker can run.
    public static var isAvailable: Bool {
        executablePath != nil && ChildProcess.find("mosquitto_sub") != nil
            && ChildProcess.find("mosquitto_passwd") != nil
    }

    /// The loopback port the broker listens on (kept across `restart`).
    public let port: Int
    /// The broker's temporary directory (configuration, log, password file).
    public let directory: URL
    private let process = Mutex<ChildProcess?>(nil)

    /// Whether the listener speaks TLS (with a certificate for 127.0.0.1 issued by `caFile`).
    public let usesTLS: Bool

    /// The broker address for `MQTTConfiguration`.
    public var url: MQTTBrokerURL { MQTTBrokerURL(host: "127.0.0.1", port: port, usesTLS: usesTLS) }
    /// The broker address as text, `mqtt://127.0.0.1:PORT` or `mqtts://127.0.0.1:PORT`.
    public var urlString: String { url.description }
    /// The test CA that signed the broker's certificate, when `usesTLS`.
    public var caFile: String? { usesTLS ? directory.appendingPathComponent("ca.crt").path : nil }
    /// The path of the broker's log file.
    public var logPath: String { directory.appendingPathComponent("mosquitto.log").path }
    private var configPath: String { directory.appendingPathComponent("mosquitto.conf").path }

    /// Writes a configuration and starts mosquitto; returns once the port accepts connections.
    ///
    /// `users` turns on password authentication (anonymous clients are then refused); `tls` makes a fresh test
    /// CA and server certificate with `openssl` and serves TLS only.
    public static func start(
        port: Int? = nil,
        users: [String: String] = [:],
        tls: Bool = false,
        extraConfig: String = ""
    ) async throws -> MosquittoBroker {
        let broker = try await MosquittoBroker(
            port: port ?? FreePort.next(), users: users, tls: tls, extraConfig: extraConfig)
        try await broker.launch()
        return broker
    }

    private init(port: Int, users: [String: String], tls: Bool, extraConfig: String) async throws {
        self.port = port
        self.usesTLS = tls
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        var lines = [
            "listener \(port) 127.0.0.1",
            "persistence false",
            "log_dest file \(logPath)",
            "log_type all",
            // Ignored unless run as root; as root, mosquitto would otherwise switch to the "mosquitto" user
            // and could not write its log here.
            "user root",
        ]
        if users.isEmpty {
            lines.append("allow_anonymous true")
        } else {
            let passwordFile = directory.appendingPathComponent("passwords").path
            var created = false
            for (user, password) in users.sorted(by: { $0.key < $1.key }) {
                let arguments = (created ? ["-b"] : ["-b", "-c"]) + [passwordFile, user, password]
                let tool = try ChildProcess("mosquitto_passwd", arguments: arguments)
                guard await tool.waitForExit(timeout: .seconds(10)) == 0 else {
                    throw StartError(description: "mosquitto_passwd failed for user \(user)")
                }
                created = true
            }
            lines.append("allow_anonymous false")
            lines.append("password_file \(passwordFile)")
        }
        if tls {
            try await makeCertificates()
            lines += [
                "cafile \(directory.appendingPathComponent("ca.crt").path)",
                "certfile \(directory.appendingPathComponent("server.crt").path)",
                "keyfile \(directory.appendingPathComponent("server.key").path)",
            ]
        }
        if !extraConfig.isEmpty { lines.append(extraConfig) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// A CA and a server certificate for 127.0.0.1 (EC keys: fast to make), valid for a day.
    private func makeCertificates() async throws {
        func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: file("san.cnf"), atomically: true, encoding: .utf8)
        let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let steps: [[String]] = [
            ["req", "-x509"] + ecKey + [
                "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "1", "-subj", "/CN=CTIBridge Test CA",
            ],
            ["req"] + ecKey + ["-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1"],
            [
                "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"),
                "-CAcreateserial", "-out", file("server.crt"), "-days", "1", "-extfile", file("san.cnf"),
            ],
        ]
        for arguments in steps {
            let openssl = try ChildProcess("openssl", arguments: arguments, outputPath: file("openssl.log"))
            guard await openssl.waitForExit(timeout: .seconds(20)) == 0 else {
                let log = (try? String(contentsOfFile: file("openssl.log"), encoding: .utf8)) ?? ""
                throw StartError(description: "openssl \(arguments[0]) failed:\n\(log)")
            }
        }
    }

    deinit {
        process.withLock { $0?.kill() }
        try? FileManager.default.removeItem(at: directory)
    }

    private func launch() async throws {
        guard let executable = Self.executablePath else {
            throw StartError(description: "mosquitto is not installed")
        }
        let child = try ChildProcess(executable, arguments: ["-c", configPath], outputPath: logPath)
        process.withLock { $0 = child }
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while !FreePort.isAccepting(port: port) {
            if child.exitStatus != nil || ContinuousClock.now >= deadline {
                await child.killAndWait()
                throw StartError(description: "mosquitto did not start on port \(port):\n\(logTail())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Kills the broker at once (SIGKILL: no goodbye to clients) and reaps it.
    public func stop() async {
        let child = process.withLock { process -> ChildProcess? in
            defer { process = nil }
            return process
        }
        await child?.killAndWait()
    }

    /// Kills the broker and starts it again on the same port, with the same configuration.
    public func restart() async throws {
        await stop()
        try await launch()
    }

    /// The last `lines` lines of the broker's log.
    public func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)"
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
