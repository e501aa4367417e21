/// Whether the client is connected to the broker, and if not, why.
public enum MQTTConnectionState: Sendable, Hashable, CustomStringConvertible {
    /// Connected; subscriptions and retained state have been sent again.
    case connected
    /// Not connected; the client keeps trying until it is stopped.
    case disconnected(MQTTDisconnectReason)

    /// A message a person can act on.
    public var description: String {
        switch self {
        case .connected: return "connected"
        case .disconnected(let reason): return "disconnected (\(reason))"
        }
    }
}

/// Why the client is not connected.
public enum MQTTDisconnectReason: Sendable, Hashable, CustomStringConvertible {
    /// `start()` has not been called yet, or the first attempt is under way.
    case notStarted
    /// The TCP or TLS connection could not be opened.
    case connectFailed(String)
    /// The broker answered CONNECT with a refusal (MQTT 5 reason code, e.g. 135 "not authorized").
    case refused(reasonCode: Int, String)
    /// An established connection broke.
    case connectionLost(String)
    /// `stop()` ended the connection on purpose.
    case stopped

    /// Whether the broker refused the credentials (bad user name or password, or not authorized).
    public var isNotAuthorized: Bool {
        if case .refused(let code, _) = self {
            // MQTT 3.1.1 codes 4/5 and MQTT 5 codes 134/135.
            return code == 4 || code == 5 || code == 134 || code == 135
        }
        return false
    }

    /// A message a person can act on.
    public var description: String {
        switch self {
        case .notStarted: return "not started"
        case .connectFailed(let message): return "connect failed: \(message)"
        case .refused(let code, let message): return "refused by the broker: \(message) (reason code \(code))"
        case .connectionLost(let message): return "connection lost: \(message)"
        case .stopped: return "stopped"
        }
    }
}
