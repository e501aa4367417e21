import Hummingbird

/// What a fake phone (or a fake ingress) answers, written by hand rather than by a route.
public struct HTTPReply: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields, in order.
    public var headers: [(name: String, value: String)]
    /// The body text.
    public var body: String

    /// Creates a reply.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The Hummingbird response that sends this reply; header names HTTP cannot carry are dropped.
    var response: Response {
        var fields = HTTPFields()
        for header in headers {
            // HTTPTypes' field name, reached through Hummingbird's re-export of `HTTPFields`.
            if let name = HTTPFields.Element.Name(header.name) { fields.append(.init(name: name, value: header.value)) }
        }
        return Response(
            status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
