/// How a fake phone's web server checks logins: not at all, with HTTP Basic, or with HTTP Digest.
///
/// Snom and Yealink phones share this behaviour: the scheme is a setting, and a refused request gets 401 with the
/// scheme's challenge and a small HTML page.
public struct WebLogin: Sendable {
    /// Which scheme the phone's web server is set to.
    public enum Scheme: Sendable, Equatable {
        case none
        case basic
        case digest
    }

    /// The scheme.
    public let scheme: Scheme
    /// The one account the web server accepts.
    public let user: String
    public let password: String
    /// Issues and checks Digest challenges (MD5, as these phones use); also names the Basic realm.
    public let digest: HTTPDigestVerifier

    /// The page a refused request gets.
    public static let unauthorizedPage = "<html><body>401 Unauthorized</body></html>"

    /// Creates a login check for `realm`.
    public init(scheme: Scheme, user: String, password: String, realm: String) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.digest = HTTPDigestVerifier(realm: realm, algorithm: .md5)
    }

    /// The `WWW-Authenticate` value to refuse a request with, or nil when it may proceed.
    public func challenge(authorization: String?, method: String, target: String) -> String? {
        switch scheme {
        case .none:
            return nil
        case .basic:
            if authorization == basicAuthorization(user: user, password: password) { return nil }
            return "Basic realm=\"\(digest.realm)\""
        case .digest:
            let outcome = digest.verify(
                authorization: authorization, method: method, uri: target, credentials: [user: password])
            return outcome.isAuthenticated ? nil : digest.challenge()
        }
    }

    /// The 401 reply for `request`, or nil when it may proceed.
    public func refusal(of request: ReceivedHTTPRequest) -> HTTPReply? {
        challenge(authorization: request.authorization, method: request.method, target: request.target).map {
            HTTPReply(status: 401, headers: [("WWW-Authenticate", $0)], body: Self.unauthorizedPage)
        }
    }
}
