/// Why an HTTP request to a phone failed; messages never contain passwords or URL secrets.
public enum HTTPClientError: Error, Sendable, Hashable {
    /// The URL is malformed or not `http`/`https`.
    case invalidURL
    /// The request itself is unusable, e.g. a header value with a line break; the text says why.
    case invalidRequest(String)
    /// The phone could not be reached: refused, unreachable or unresolvable.
    case connectFailed(String)
    /// The connect or total timeout expired.
    case timedOut
    /// The response body exceeded the request's limit (in bytes).
    case responseTooLarge(limit: Int)
    /// The TLS handshake or certificate verification failed.
    case tls(String)
    /// Any other libcurl failure, with its `CURLcode`.
    case transport(code: Int, message: String)
    /// The client was shut down before the request completed.
    case shutDown
}

extension HTTPClientError: CustomStringConvertible {
    /// A one-line description for logs.
    public var description: String {
        switch self {
        case .invalidURL: "invalid or unsupported URL"
        case .invalidRequest(let reason): "invalid request: \(reason)"
        case .connectFailed(let message): "connect failed: \(message)"
        case .timedOut: "timed out"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .tls(let message): "TLS failure: \(message)"
        case .transport(let code, let message): "transport error \(code): \(message)"
        case .shutDown: "HTTP client shut down"
        }
    }
}
