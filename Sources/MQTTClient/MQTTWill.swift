/// The message the broker publishes on the client's behalf when the connection dies without a DISCONNECT.
public struct MQTTWill: Sendable, Hashable {
    /// The topic the broker publishes the will to.
    public var topic: String
    /// The will payload.
    public var payload: [UInt8]
    /// The delivery guarantee of the will.
    public var qos: MQTTQoS
    /// Whether the will is retained (a state topic's "offline" value should be).
    public var retain: Bool

    /// Creates a will from raw bytes.
    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = true) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }

    /// Creates a will whose payload is the UTF-8 encoding of `string`.
    public init(topic: String, string: String, qos: MQTTQoS = .atLeastOnce, retain: Bool = true) {
        self.init(topic: topic, payload: Array(string.utf8), qos: qos, retain: retain)
    }
}
