import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the ctrl_tcp connection ended or could not be made.
enum BaresipControlSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    case resolve(String)
    case connect(String)
    case timedOut
    case closedByPeer
    case io(String)

    var description: String {
        switch self {
        case .resolve(let message): "cannot resolve the ctrl_tcp host: \(message)"
        case .connect(let message): "cannot connect to ctrl_tcp: \(message)"
        case .timedOut: "connecting to ctrl_tcp timed out"
        case .closedByPeer: "baresip closed the ctrl_tcp connection (another client connected, or baresip stopped)"
        case .io(let message): "ctrl_tcp connection failed: \(message)"
        }
    }
}

/// One TCP connection to baresip's ctrl_tcp, served by its own thread: the only file here that touches sockets.
///
/// Invariants: the socket and the wake pipe's read end belong to the thread alone and are closed by it when it
/// ends. The pipe's write end is shared with the stream's termination handler through a `Mutex`, so a wake-up
/// can never write to a descriptor that was closed and reused. Blocking `poll` runs on that dedicated thread,
/// never on the concurrency pool.
enum BaresipControlSocket {
    /// Connects to `endpoint`, sends `greeting`, and streams the bytes read until the connection ends (the
    /// stream then throws) or the consumer stops iterating (the thread is woken and closes the socket).
    static func open(
        _ endpoint: BaresipEndpoint, connectTimeout: Duration, greeting: [UInt8]
    ) -> AsyncThrowingStream<[UInt8], any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self, throwing: (any Error).self)
        let wake: WakePipe
        do {
            wake = try WakePipe()
        } catch {
            continuation.finish(throwing: error)
            return stream
        }
        continuation.onTermination = { @Sendable _ in wake.signal() }
        let timeoutMilliseconds = Int32(clamping: connectTimeout.components.seconds * 1000
            + connectTimeout.components.attoseconds / 1_000_000_000_000_000)
        let thread = Thread { @Sendable in
            defer { wake.closeBothEnds() }
            do {
                let descriptor = try openSocket(endpoint, timeoutMilliseconds: timeoutMilliseconds, wake: wake)
                defer { _ = close(descriptor) }
                try sendAll(greeting, on: descriptor)
                try readLoop(descriptor, wake: wake, continuation: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.name = "baresip ctrl_tcp \(endpoint)"
        thread.start()
        return stream
    }

    private static func openSocket(
        _ endpoint: BaresipEndpoint, timeoutMilliseconds: Int32, wake: WakePipe
    ) throws(BaresipControlSocketError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw .resolve(String(cString: gai_strerror(resolved)))
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .connect(lastError()) }
        var success = false
        defer { if !success { _ = close(descriptor) } }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        if connect(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw .connect(lastError()) }
            var fds = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0), wake.pollDescriptor]
            let ready = poll(&fds, 2, timeoutMilliseconds)
            if ready == 0 { throw .timedOut }
            guard ready > 0 else { throw .connect(lastError()) }
            if fds[1].revents != 0 { throw .connect("stopped") }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length)
            guard socketError == 0 else { throw .connect(String(cString: strerror(socketError))) }
        }
        success = true
        return descriptor
    }

    private static func sendAll(_ bytes: [UInt8], on socket: Int32) throws(BaresipControlSocketError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                offset += sent
            } else if errno == EAGAIN || errno == EINTR {
                var fds = [pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)]
                _ = poll(&fds, 1, 1000)
            } else {
                throw .io(lastError())
            }
        }
    }

    private static func readLoop(
        _ socket: Int32, wake: WakePipe, continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    ) throws(BaresipControlSocketError) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            var fds = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), wake.pollDescriptor]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .io(lastError())
            }
            if fds[1].revents != 0 { return }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                if case .terminated = continuation.yield(Array(buffer[0..<count])) { return }
            } else if count == 0 {
                throw .closedByPeer
            } else if errno != EAGAIN && errno != EINTR {
                throw .io(lastError())
            }
        }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

/// A pipe whose write end wakes the socket thread's `poll`; closed once, by the thread.
private final class WakePipe: Sendable {
    private let readEnd: Int32
    private let writeEnd: Mutex<Int32?>

    init() throws(BaresipControlSocketError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .io("pipe: " + String(cString: strerror(errno))) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        readEnd = ends[0]
        writeEnd = Mutex(ends[1])
    }

    var pollDescriptor: pollfd { pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0) }

    func signal() {
        writeEnd.withLock { end in
            guard let end else { return }
            var byte: UInt8 = 1
            _ = write(end, &byte, 1)
        }
    }

    func closeBothEnds() {
        writeEnd.withLock { end in
            if let open = end { _ = close(open) }
            end = nil
        }
        _ = close(readEnd)
    }
}
