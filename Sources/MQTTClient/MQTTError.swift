/// Errors reported by the MQTT client.
public enum MQTTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broker URL could not be used; `reason` says what is wrong with it.
    case invalidURL(String, reason: String)
    /// A configuration value is out of range or inconsistent.
    case invalidConfiguration(String)
    /// A libmosquitto call failed with `code` (a `MOSQ_ERR_*` value).
    case library(operation: String, code: Int32, message: String)
    /// A message or subscription was refused before reaching the network (bad topic, oversized payload).
    case invalidMessage(String)
    /// The client has been stopped and accepts no more work.
    case stopped

    /// A message a person can act on.
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "invalid MQTT URL \"\(url)\": \(reason)"
        case .invalidConfiguration(let message):
            return "invalid MQTT configuration: \(message)"
        case .library(let operation, let code, let message):
            return "\(operation) failed: \(message) (mosquitto error \(code))"
        case .invalidMessage(let message):
            return "invalid MQTT message: \(message)"
        case .stopped:
            return "the MQTT client is stopped"
        }
    }
}
