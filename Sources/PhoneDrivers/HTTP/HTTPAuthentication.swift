/// How ``PhoneHTTPClient`` authenticates to a phone's web server.
public enum HTTPAuthentication: Sendable, Hashable {
    /// Send no credentials.
    case none
    /// Send Basic credentials with the first request.
    case basic(user: String, password: String)
    /// Answer the server's Digest challenge (RFC 7616); most deskphones need this.
    case digest(user: String, password: String)
    /// Let libcurl pick the strongest scheme the server offers.
    case any(user: String, password: String)

    /// The password, so that it can be scrubbed from every message that leaves the client.
    var password: String? {
        switch self {
        case .none: nil
        case .basic(_, let password), .digest(_, let password), .any(_, let password): password
        }
    }
}

extension HTTPAuthentication: CustomStringConvertible {
    /// A description without the password, safe for logs.
    public var description: String {
        switch self {
        case .none: "none"
        case .basic(let user, _): "basic(user: \(user), password: ***)"
        case .digest(let user, _): "digest(user: \(user), password: ***)"
        case .any(let user, _): "any(user: \(user), password: ***)"
        }
    }
}
