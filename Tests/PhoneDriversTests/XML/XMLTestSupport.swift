#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Helpers for the XML tests: a loopback listener that notices connections, RSS, and stderr capture.
enum XMLTestSupport {
    /// Resident set size of this process in bytes, from /proc/self/statm.
    static func residentBytes() throws -> Int {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Runs `body` with file descriptor 2 pointing at a temporary file and returns what was written there.
    ///
    /// Other tests share the process, so whatever they wrote meanwhile is passed on to the real stderr.
    static func capturingStandardError(_ body: () throws -> Void) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("xml-stderr-\(UUID().uuidString)").path
        let file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        precondition(file >= 0, "cannot create \(path)")
        defer { close(file); unlink(path) }
        fflush(nil)
        let original = dup(2)
        dup2(file, 2)
        var failure: (any Error)?
        do { try body() } catch { failure = error }
        fflush(nil)
        dup2(original, 2)
        close(original)
        let captured = try String(contentsOfFile: path, encoding: .utf8)
        FileHandle.standardError.write(Data(captured.utf8))
        if let failure { throw failure }
        return captured
    }
}

/// A TCP listener on 127.0.0.1 with an ephemeral port, used to prove that nothing connects to it.
final class XMLTestLoopbackListener {
    let port: UInt16
    private let socketDescriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        socketDescriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit {
        close(socketDescriptor)
    }

    /// Whether a client has connected (or is waiting to), checked for up to `milliseconds`.
    func hasPendingConnection(waitingMilliseconds milliseconds: Int32 = 200) -> Bool {
        var descriptor = pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }
}

/// A small deterministic generator so the random-bytes test is reproducible.
struct XMLTestRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
