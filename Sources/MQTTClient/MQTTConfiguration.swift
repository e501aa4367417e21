import Metrics

/// Everything the client needs to reach and use one broker.
public struct MQTTConfiguration: Sendable {
    /// Where the broker is; `mqtts://` turns on TLS.
    public var url: MQTTBrokerURL
    /// The client identifier; keep it stable so the broker can resume the session.
    public var clientId: String
    /// The user name, if the broker requires one.
    public var username: String?
    /// The password; never logged.
    public var password: String?
    /// A PEM file of trusted CA certificates for `mqtts://`; the system's trust store when `nil`.
    public var caFile: String?
    /// The message the broker publishes when the client dies without disconnecting.
    public var will: MQTTWill?
    /// The MQTT keep-alive interval; libmosquitto accepts 5 s or more.
    public var keepAlive: Duration
    /// How long the broker keeps the session (subscriptions, queued QoS 1 messages) after a disconnect.
    public var sessionExpiry: Duration
    /// The first delay before reconnecting; it doubles on every failed attempt up to `reconnectDelayMax`.
    public var reconnectDelayMin: Duration
    /// The longest delay between reconnection attempts.
    public var reconnectDelayMax: Duration
    /// How many non-retained messages wait while disconnected; the oldest is dropped beyond that.
    public var offlineBufferCapacity: Int
    /// How many incoming messages each `messages()` stream holds for a slow reader before dropping the oldest.
    public var incomingBufferCapacity: Int
    /// Where the client's metrics go; `nil` means the global `MetricsSystem` as bootstrapped when the client is made.
    public var metricsFactory: (any MetricsFactory)?

    /// Creates a configuration with defaults suited to a long-running bridge.
    public init(
        url: MQTTBrokerURL,
        clientId: String,
        username: String? = nil,
        password: String? = nil,
        caFile: String? = nil,
        will: MQTTWill? = nil,
        keepAlive: Duration = .seconds(30),
        sessionExpiry: Duration = .seconds(3600),
        reconnectDelayMin: Duration = .seconds(1),
        reconnectDelayMax: Duration = .seconds(30),
        offlineBufferCapacity: Int = 1000,
        incomingBufferCapacity: Int = 1000,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.url = url
        self.clientId = clientId
        self.username = username
        self.password = password
        self.caFile = caFile
        self.will = will
        self.keepAlive = keepAlive
        self.sessionExpiry = sessionExpiry
        self.reconnectDelayMin = reconnectDelayMin
        self.reconnectDelayMax = reconnectDelayMax
        self.offlineBufferCapacity = offlineBufferCapacity
        self.incomingBufferCapacity = incomingBufferCapacity
        self.metricsFactory = metricsFactory
    }

    /// Checks the values libmosquitto or the buffers would refuse, with a message that names the setting.
    public func validate() throws(MQTTError) {
        if clientId.isEmpty || clientId.utf8.count > 65_535 {
            throw .invalidConfiguration("clientId must be 1 to 65535 bytes long")
        }
        let keepAliveSeconds = keepAlive.components.seconds
        if keepAliveSeconds < 5 || keepAliveSeconds > 65_535 {
            throw .invalidConfiguration("keepAlive must be between 5 and 65535 seconds")
        }
        if sessionExpiry < .zero || sessionExpiry.components.seconds > Int64(UInt32.max) {
            throw .invalidConfiguration("sessionExpiry must be between 0 and \(UInt32.max) seconds")
        }
        if reconnectDelayMin <= .zero || reconnectDelayMax < reconnectDelayMin {
            throw .invalidConfiguration("reconnect delays must be positive with min <= max")
        }
        if offlineBufferCapacity < 0 {
            throw .invalidConfiguration("offlineBufferCapacity must not be negative")
        }
        if incomingBufferCapacity < 1 {
            throw .invalidConfiguration("incomingBufferCapacity must be at least 1")
        }
        if password != nil && username == nil {
            throw .invalidConfiguration("a password needs a username")
        }
    }
}

extension MQTTConfiguration: CustomStringConvertible {
    /// Describes the connection without its password, so that logging a configuration never leaks it.
    public var description: String {
        "MQTTConfiguration(\(url), clientId: \(clientId), user: \(username ?? "none"))"
    }
}
