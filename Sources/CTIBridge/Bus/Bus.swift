import Foundation
import MQTTClient

/// The bridge's side of the MQTT bus: contract topics, JSON payloads, retained state versus events.
///
/// State topics are retained and QoS 1 and always carry the whole object; the MQTT client remembers them and
/// publishes them again after every reconnect. Events are QoS 1 and not retained.
struct Bus: Sendable {
    let client: MQTTClient
    let topics: Topics

    /// Publishes the whole current state of an object on its retained topic.
    func publishState<Value: Encodable>(_ value: Value, on topic: String) {
        client.publish(MQTTMessage(topic: topic, payload: JSONCoding.encode(value), qos: .atLeastOnce, retain: true))
    }

    /// Removes a retained topic (an empty retained message), as for a call that ended.
    func clearState(on topic: String) {
        client.publish(MQTTMessage(topic: topic, payload: [], qos: .atLeastOnce, retain: true))
    }

    /// Publishes a notification or command result; not retained.
    func publishEvent<Value: Encodable>(_ value: Value, on topic: String, correlationData: [UInt8]? = nil) {
        client.publish(
            MQTTMessage(
                topic: topic, payload: JSONCoding.encode(value), qos: .atLeastOnce, retain: false,
                correlationData: correlationData))
    }
}
