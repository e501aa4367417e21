/// One MQTT application message, outgoing or incoming, with the MQTT 5 request/response properties.
public struct MQTTMessage: Sendable, Hashable {
    /// The topic name (never a filter).
    public var topic: String
    /// The payload bytes; an empty retained payload clears the topic at the broker.
    public var payload: [UInt8]
    /// The delivery guarantee.
    public var qos: MQTTQoS
    /// Whether the broker keeps this message for future subscribers.
    public var retain: Bool
    /// MQTT 5 response topic: where a responder should publish its answer.
    public var responseTopic: String?
    /// MQTT 5 correlation data: opaque bytes that a responder copies into its answer.
    public var correlationData: [UInt8]?

    /// Creates a message from raw payload bytes.
    public init(
        topic: String,
        payload: [UInt8],
        qos: MQTTQoS = .atLeastOnce,
        retain: Bool = false,
        responseTopic: String? = nil,
        correlationData: [UInt8]? = nil
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.responseTopic = responseTopic
        self.correlationData = correlationData
    }

    /// Creates a message whose payload is the UTF-8 encoding of `string`.
    public init(
        topic: String,
        string: String,
        qos: MQTTQoS = .atLeastOnce,
        retain: Bool = false,
        responseTopic: String? = nil,
        correlationData: [UInt8]? = nil
    ) {
        self.init(
            topic: topic, payload: Array(string.utf8), qos: qos, retain: retain,
            responseTopic: responseTopic, correlationData: correlationData)
    }

    /// The payload decoded as UTF-8 (invalid sequences are repaired with U+FFFD).
    public var payloadString: String {
        String(decoding: payload, as: UTF8.self)
    }
}
