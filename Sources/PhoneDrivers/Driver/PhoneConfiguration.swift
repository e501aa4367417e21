/// What a driver needs to know about its phone, taken from the phone's entry in `drivers.yaml`.
public struct PhoneConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The phone's id, unique in the configuration.
    public var id: String
    /// The driver name (`yealink`, `poly`, …, `simulator`).
    public var driver: String
    /// The phone's own HTTP(S) base URL, for drivers that talk to the phone.
    public var url: String?
    /// The user name for the phone's API.
    public var username: String?
    /// The password for the phone's API (resolved from `passwordEnv` when given that way). Never logged.
    public var password: String?
    /// The vendor model or model family, to pick capabilities and request variants.
    public var model: String?
    /// How long an alerting call may go without news before it is ended as missed.
    public var maxRingSeconds: Int
    /// TLS settings for HTTPS phones.
    public var caFile: String?
    /// Skip certificate verification (self-signed phone certificates); explicit, never a default.
    public var insecureTLS: Bool
    /// Connect timeout for requests to the phone.
    public var connectTimeout: Duration
    /// Total timeout for one request to the phone.
    public var requestTimeout: Duration
    /// Driver-specific settings.
    public var options: DriverOptions

    public init(
        id: String, driver: String, url: String? = nil, username: String? = nil, password: String? = nil,
        model: String? = nil, maxRingSeconds: Int = 120, caFile: String? = nil, insecureTLS: Bool = false,
        connectTimeout: Duration = .seconds(2), requestTimeout: Duration = .seconds(5),
        options: DriverOptions = DriverOptions()
    ) {
        self.id = id
        self.driver = driver
        self.url = url
        self.username = username
        self.password = password
        self.model = model
        self.maxRingSeconds = maxRingSeconds
        self.caFile = caFile
        self.insecureTLS = insecureTLS
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.options = options
    }

    /// Names the phone without its credentials, so that logging a configuration never leaks them.
    public var description: String {
        "PhoneConfiguration(\(id), driver: \(driver), url: \(url ?? "none"), user: \(username ?? "none"))"
    }
}
