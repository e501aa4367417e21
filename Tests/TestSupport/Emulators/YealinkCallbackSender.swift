import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Sends a phone's event callback exactly as given: `GET <target> HTTP/1.1` over a fresh loopback connection.
///
/// A raw socket (not a URL library) so the request line carries the bytes the phone would put there,
/// unencoded display names included. Runs on its own thread so blocking I/O never stalls the test's tasks.
public enum YealinkCallbackSender {
    /// The status and body the receiver answered.
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: String
    }

    /// Why a callback could not be delivered.
    public enum Failure: Error, Sendable {
        case notLoopbackHTTP(String)
        case connectFailed
        case badResponse
    }

    /// Sends `GET` to `url` (`http://127.0.0.1:<port>/…` only) with a phone-like `User-Agent`.
    public static func get(_ url: String, userAgent: String = "Yealink SIP-T46S 66.86.0.15") async throws -> Answer {
        let prefix = "http://127.0.0.1:"
        guard url.hasPrefix(prefix) else { throw Failure.notLoopbackHTTP(url) }
        let rest = url.dropFirst(prefix.count)
        let portText = rest.prefix { $0.isNumber }
        guard let port = Int(portText) else { throw Failure.notLoopbackHTTP(url) }
        var target = String(rest.dropFirst(portText.count))
        if target.isEmpty { target = "/" }
        let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: \(userAgent)\r\n"
            + "Accept: */*\r\nConnection: close\r\n\r\n"
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try exchange(port: port, request: Array(request.utf8)) })
            }
            thread.start()
        }
    }

    private static func exchange(port: Int, request: [UInt8]) throws -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.connectFailed }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure.connectFailed }
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw Failure.connectFailed }
            sent += written
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: response, as: UTF8.self)
        let statusLine = text.prefix { $0 != "\r" }
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure.badResponse }
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return Answer(status: status, body: body)
    }
}
