import Hummingbird

/// One HTTP request as a fake phone (or a fake bridge ingress) received it, byte for byte where it matters.
public struct ReceivedHTTPRequest: Sendable {
    /// The method, e.g. `GET`.
    public var method: String
    /// The request target exactly as sent: path plus `?query`.
    public var target: String
    /// Header fields in the order received, names lower-cased.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]
    /// The query parameters decoded the way the bridge's ingress decodes them (Hummingbird's `queryParameters`).
    public var decodedQuery: [(name: String, value: String)]

    /// The largest body a fake reads; more than any phone or callback in the tests sends.
    static let maximumBodyBytes = 1 << 20

    /// Reads `request`'s whole body, leaving `request` able to hand the body on.
    init(collecting request: inout Request) async throws {
        let buffer = try await request.collectBody(upTo: Self.maximumBodyBytes)
        method = request.method.rawValue
        target = request.head.path ?? ""
        headers = request.headers.map { (name: $0.name.canonicalName.lowercased(), value: $0.value) }
        body = Array(buffer.readableBytesView)
        decodedQuery = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
    }

    /// The path part of the target.
    public var path: String { String(target.prefix { $0 != "?" }) }

    /// The raw query string (after `?`), if any.
    public var rawQuery: String? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: mark)...])
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// The `Authorization` header, if any.
    public var authorization: String? { header("authorization") }
}
