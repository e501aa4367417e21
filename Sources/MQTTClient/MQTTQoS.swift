/// The MQTT delivery guarantee of a publication or subscription.
public enum MQTTQoS: Int32, Sendable, Hashable, CaseIterable {
    /// QoS 0: fire and forget.
    case atMostOnce = 0
    /// QoS 1: acknowledged by the broker; may arrive more than once.
    case atLeastOnce = 1
    /// QoS 2: exactly once (four-way handshake).
    case exactlyOnce = 2
}
