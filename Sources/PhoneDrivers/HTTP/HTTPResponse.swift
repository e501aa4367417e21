/// The final response to an ``HTTPRequest``, after any authentication round trips.
public struct HTTPResponse: Sendable, Hashable {
    /// The HTTP status code, e.g. 200 or 401.
    public var status: Int
    /// The response header fields of the final response, in order.
    public var headers: [HTTPHeader]
    /// The response body, at most the request's `maxResponseBytes`.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8, with invalid sequences replaced.
    public var text: String {
        String(decoding: body, as: UTF8.self)
    }

    /// Whether the status is in the 2xx range.
    public var isSuccess: Bool {
        (200..<300).contains(status)
    }
}
