/// Where and how the bridge reaches one phone's web server: its base URL, TLS settings and timeouts, read once from
/// the phone's `drivers.yaml` entry. Every HTTP driver builds its requests from one, so a phone's `caFile`,
/// `insecureTLS` and timeouts apply the same way whatever its vendor.
struct PhoneEndpoint: Sendable {
    /// The configured phone id, for messages.
    let phoneID: String
    /// `http(s)://host[:port][/prefix]`, without a trailing slash.
    let baseURL: String
    let tls: TLSOptions
    let connectTimeout: Duration
    let requestTimeout: Duration

    /// Reads the phone's `url:` (http or https only) and its TLS and timeout settings.
    /// - Parameter urlHint: what to tell the installer when `url:` is missing or not http(s).
    init(_ configuration: PhoneConfiguration, urlHint: String) throws(DriverOptionError) {
        guard var url = configuration.url, HTTPRequest.hasAllowedScheme(url) else {
            throw DriverOptionError(keyPath: "url", message: urlHint)
        }
        while url.hasSuffix("/") { url.removeLast() }
        phoneID = configuration.id
        baseURL = url
        tls = TLSOptions(caFile: configuration.caFile, insecure: configuration.insecureTLS)
        connectTimeout = configuration.connectTimeout
        requestTimeout = configuration.requestTimeout
    }

    /// A request for `target` (path and query, starting with `/`) on this phone.
    func request(
        _ target: String, method: HTTPMethod = .get, body: [UInt8]? = nil, contentType: String? = nil,
        authentication: HTTPAuthentication, timeout: Duration? = nil, maxResponseBytes: Int
    ) -> HTTPRequest {
        HTTPRequest(
            url: baseURL + target, method: method, body: body, contentType: contentType, authentication: authentication,
            tls: tls, connectTimeout: connectTimeout, totalTimeout: timeout ?? requestTimeout,
            maxResponseBytes: maxResponseBytes)
    }

    /// The base URL with any credentials in it hidden, for messages and logs.
    var redactedBase: String { SecretRedaction.redactedURL(baseURL) }
}
