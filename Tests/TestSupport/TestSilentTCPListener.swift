#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP socket on 127.0.0.1 that accepts connections (via the kernel backlog) but never reads or answers.
///
/// Clients connect successfully and then wait forever: the way to test response timeouts and cancellation.
public final class TestSilentTCPListener: Sendable {
    /// The bound port on 127.0.0.1.
    public let port: Int
    private let descriptor: Int32
    /// Client sockets parked in the accept queue to keep it full (only for ``saturated()``).
    private let fillers: [Int32]

    /// Opens the listening socket on an ephemeral port.
    public convenience init() throws {
        try self.init(backlog: 128, fillers: 0)
    }

    private init(backlog: Int32, fillers fillerCount: Int) throws {
        let (descriptor, port) = try LoopbackSocket.bindLoopback(port: 0)
        guard listen(descriptor, backlog) == 0 else {
            close(descriptor)
            throw LoopbackSocketError.failed("listen", errno)
        }
        self.descriptor = descriptor
        self.port = port
        self.fillers = (0..<fillerCount).compactMap { _ in LoopbackSocket.startConnect(port: port) }
    }

    /// A listener whose accept queue is already full, so further connection attempts hang in the TCP handshake.
    ///
    /// Linux drops SYNs for a full accept queue, which is how a connect timeout can be tested on loopback.
    public static func saturated() throws -> TestSilentTCPListener {
        let listener = try TestSilentTCPListener(backlog: 0, fillers: 4)
        // Let the kernel finish the fillers' handshakes before anyone else tries.
        usleep(50_000)
        return listener
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    deinit {
        for filler in fillers { close(filler) }
        close(descriptor)
    }

    /// Returns a port on 127.0.0.1 that nothing listens on (it was bound and released), so connects are refused.
    public static func unusedPort() throws -> Int {
        let (descriptor, port) = try LoopbackSocket.bindLoopback(port: 0)
        close(descriptor)
        return port
    }
}

/// Why a loopback socket could not be set up.
public enum LoopbackSocketError: Error {
    case failed(String, Int32)
}

private enum LoopbackSocket {
    /// Starts a non-blocking connect to 127.0.0.1:`port` and returns the socket without waiting.
    static func startConnect(port: Int) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var address = loopbackAddress(port: UInt16(port))
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return descriptor
    }

    static func loopbackAddress(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// Creates a TCP socket bound to 127.0.0.1:`port` and returns it with the port actually bound.
    static func bindLoopback(port: UInt16) throws -> (Int32, Int) {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw LoopbackSocketError.failed("socket", errno) }
        var address = loopbackAddress(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw LoopbackSocketError.failed("bind", errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            close(descriptor)
            throw LoopbackSocketError.failed("getsockname", errno)
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
