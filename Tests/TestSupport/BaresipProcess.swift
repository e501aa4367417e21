import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real baresip user agent for tests: its own config directory, loopback ports, httpd and ctrl_tcp.
///
/// The account has no registrar (`regint=0`); other agents call it directly at ``sipURI``. Audio comes from a
/// WAV file of silence and goes to /dev/null, so no sound device is needed.
public final class BaresipProcess: Sendable {
    /// The executable the tests run.
    public static let executable = "/usr/bin/baresip"
    /// Where Debian's baresip-core puts its modules.
    public static let modulePath = "/usr/lib/baresip/modules"

    /// Whether baresip and the modules the tests need are installed.
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: executable)
            && ["httpd.so", "ctrl_tcp.so", "menu.so", "account.so", "aufile.so", "g711.so"].allSatisfy {
                FileManager.default.fileExists(atPath: modulePath + "/" + $0)
            }
    }

    /// A connected call whose far end sends no RTP for this long is closed by baresip itself: how a softphone
    /// notices a peer that vanished without a BYE.
    public static let rtpTimeoutSeconds = 3

    /// The account's user name.
    public let user: String
    /// The configuration directory (`baresip -f`), removed by ``stop()``.
    public let directory: String
    public let sipPort: Int
    public let httpPort: Int
    public let controlPort: Int
    private let process: Mutex<ChildProcess?>

    /// The httpd base URL, as a phone's `url:`.
    public var httpURL: String { "http://127.0.0.1:\(httpPort)" }
    /// The ctrl_tcp address, as the driver's `ctrlTCP` option.
    public var controlAddress: String { "127.0.0.1:\(controlPort)" }
    /// The address other agents dial.
    public var sipURI: String { "sip:\(user)@127.0.0.1:\(sipPort)" }
    /// baresip's own output, for diagnosing a failing test.
    public var log: String { (try? String(contentsOfFile: directory + "/baresip.log", encoding: .utf8)) ?? "" }

    private init(user: String, directory: String, sipPort: Int, httpPort: Int, controlPort: Int) {
        self.user = user
        self.directory = directory
        self.sipPort = sipPort
        self.httpPort = httpPort
        self.controlPort = controlPort
        self.process = Mutex(nil)
    }

    /// Writes a configuration for `user` on free loopback ports, starts baresip and waits until httpd answers.
    public static func start(user: String, timeout: Duration = .seconds(10)) async throws -> BaresipProcess {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("baresip-\(user)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let agent = BaresipProcess(
            user: user, directory: directory, sipPort: freeSIPPort(), httpPort: FreePort.next(),
            controlPort: FreePort.next())
        try agent.writeConfiguration()
        try await agent.launch(timeout: timeout)
        return agent
    }

    /// Kills baresip (SIGKILL) and waits until it is gone; the configuration stays for ``restart()``.
    public func kill() async {
        let child = process.withLock { process -> ChildProcess? in
            defer { process = nil }
            return process
        }
        await child?.killAndWait()
    }

    /// Starts baresip again on the same ports after ``kill()``.
    public func restart(timeout: Duration = .seconds(10)) async throws {
        try await launch(timeout: timeout)
    }

    /// Kills baresip and removes its directory.
    public func stop() async {
        await kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func launch(timeout: Duration) async throws {
        let child = try ChildProcess(
            Self.executable, arguments: ["-f", directory], outputPath: directory + "/baresip.log")
        process.withLock { $0 = child }
        // ctrl_tcp is loaded before httpd, so an answering httpd means both listen. Probing ctrl_tcp itself would
        // displace a driver already connected to it (it serves one client).
        try await eventually(timeout: timeout, "baresip \(user) httpd on \(httpPort)") {
            if let status = child.exitStatus {
                throw BaresipProcessError(description: "baresip \(user) exited (\(status)): \(log)")
            }
            return FreePort.isAccepting(port: httpPort)
        }
    }

    private func writeConfiguration() throws {
        let wav = directory + "/silence.wav"
        try Data(Self.silenceWAV(seconds: 120)).write(to: URL(fileURLWithPath: wav))
        let config = """
            poll_method epoll
            sip_listen 127.0.0.1:\(sipPort)
            audio_source aufile,\(wav)
            audio_player aufile,/dev/null
            audio_alert aufile,/dev/null
            rtp_timeout \(Self.rtpTimeoutSeconds)
            module_path \(Self.modulePath)
            module g711.so
            module aufile.so
            module account.so
            module menu.so
            module ctrl_tcp.so
            ctrl_tcp_listen 127.0.0.1:\(controlPort)
            module httpd.so
            http_listen 127.0.0.1:\(httpPort)

            """
        try config.write(toFile: directory + "/config", atomically: true, encoding: .utf8)
        try "<sip:\(user)@127.0.0.1:\(sipPort)>;regint=0\n"
            .write(toFile: directory + "/accounts", atomically: true, encoding: .utf8)
    }

    /// A free port whose neighbour is free too: baresip binds SIP over TLS on the next port.
    private static func freeSIPPort() -> Int {
        for _ in 0..<50 {
            let port = FreePort.next()
            if port < 65535, !FreePort.isAccepting(port: port + 1), canBind(port + 1) { return port }
        }
        return FreePort.next()
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// A RIFF/WAVE file of 8 kHz mono 16-bit silence: the rate baresip's aufile source can feed to G.711.
    public static func silenceWAV(seconds: Int) -> [UInt8] {
        let sampleRate: UInt32 = 8000
        let dataBytes = UInt32(seconds) * sampleRate * 2
        var bytes: [UInt8] = []
        func append(_ text: String) { bytes += Array(text.utf8) }
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        append("RIFF"); append32(36 + dataBytes); append("WAVE")
        append("fmt "); append32(16); append16(1); append16(1)
        append32(sampleRate); append32(sampleRate * 2); append16(2); append16(16)
        append("data"); append32(dataBytes)
        bytes += [UInt8](repeating: 0, count: Int(dataBytes))
        return bytes
    }
}

/// baresip did not start.
public struct BaresipProcessError: Error, CustomStringConvertible {
    public let description: String
}
