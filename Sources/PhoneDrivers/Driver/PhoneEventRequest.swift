/// A phone's event callback as it reached the bridge's HTTP ingress, stripped of transport details.
///
/// The bridge has already checked the phone's event token and source address; the driver only parses the
/// vendor's format. Every field is untrusted input.
public struct PhoneEventRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The path below `/phones/{phoneId}/events`, without a leading slash (`""` for the route itself).
    public var subpath: String
    /// Decoded query items in order; names may repeat.
    public var query: [(name: String, value: String)]
    /// Request headers, names lower-cased.
    public var headers: [(name: String, value: String)]
    /// The request body (bounded by the ingress).
    public var body: [UInt8]

    public init(
        method: String, subpath: String, query: [(name: String, value: String)],
        headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.subpath = subpath
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a query item.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }
}

/// How a driver judged an event callback.
public enum PhoneEventIngressResult: Sendable, Equatable {
    /// Parsed and emitted; `body` is what the phone gets back (some phones show it).
    case accepted(body: String)
    /// Not a valid callback of this vendor; answered 400, counted, nothing reaches the state.
    case malformed(reason: String)
    /// The subpath is not one this driver serves; answered 404.
    case unknownRoute
}
