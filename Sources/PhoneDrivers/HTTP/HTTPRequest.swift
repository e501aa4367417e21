/// One HTTP request to a phone, with its own authentication, TLS settings, timeouts and size cap.
public struct HTTPRequest: Sendable, Hashable {
    /// The absolute `http://` or `https://` URL; any other scheme is refused.
    public var url: String
    /// The request method.
    public var method: HTTPMethod
    /// Extra request header fields, sent in order.
    public var headers: [HTTPHeader]
    /// The request body, sent byte for byte; `nil` sends none.
    public var body: [UInt8]?
    /// The `Content-Type` of ``body``; `nil` sends none.
    public var contentType: String?
    /// The credentials and scheme used to answer the server.
    public var authentication: HTTPAuthentication
    /// Certificate verification for `https://` URLs.
    public var tls: TLSOptions
    /// The longest time allowed to establish the connection (including the TLS handshake).
    public var connectTimeout: Duration
    /// The longest time allowed for the whole exchange, authentication round trips included.
    public var totalTimeout: Duration
    /// The largest response body accepted; a larger one aborts the transfer.
    public var maxResponseBytes: Int
    /// Follows `3xx` redirects (to `http`/`https` only) when `true`.
    public var followRedirects: Bool

    /// Creates a request; by default a 5 s connect timeout, a 10 s total timeout and a 1 MiB response cap.
    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        contentType: String? = nil,
        authentication: HTTPAuthentication = .none,
        tls: TLSOptions = .verified,
        connectTimeout: Duration = .seconds(5),
        totalTimeout: Duration = .seconds(10),
        maxResponseBytes: Int = 1 << 20,
        followRedirects: Bool = false
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.contentType = contentType
        self.authentication = authentication
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes
        self.followRedirects = followRedirects
    }

    /// Creates a `GET` request.
    public static func get(
        _ url: String,
        authentication: HTTPAuthentication = .none,
        tls: TLSOptions = .verified,
        totalTimeout: Duration = .seconds(10)
    ) -> HTTPRequest {
        HTTPRequest(url: url, authentication: authentication, tls: tls, totalTimeout: totalTimeout)
    }

    /// Creates a `POST` request carrying `body` as `contentType`.
    public static func post(
        _ url: String,
        body: [UInt8],
        contentType: String,
        authentication: HTTPAuthentication = .none,
        tls: TLSOptions = .verified,
        totalTimeout: Duration = .seconds(10)
    ) -> HTTPRequest {
        HTTPRequest(
            url: url, method: .post, body: body, contentType: contentType,
            authentication: authentication, tls: tls, totalTimeout: totalTimeout
        )
    }

    /// Every string that must never appear in a log line or error message for this request.
    var secrets: [String] {
        var secrets = SecretRedaction.secretValues(inURL: url)
        if let password = authentication.password { secrets.append(password) }
        return secrets.filter { !$0.isEmpty }
    }
}

extension HTTPRequest: CustomStringConvertible {
    /// The method and redacted URL, safe for logs.
    public var description: String {
        "\(method.rawValue) \(SecretRedaction.redactedURL(url))"
    }
}
