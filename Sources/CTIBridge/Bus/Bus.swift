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
        publish(stateMessage(value, on: topic))
    }

    /// Removes a retained topic (an empty retained message), as for a call that ended.
    func clearState(on topic: String) {
        publish(clearMessage(on: topic))
    }

    /// Publishes a notification or command result; not retained.
    func publishEvent<Value: Encodable>(_ value: Value, on topic: String, correlationData: [UInt8]? = nil) {
        publish(eventMessage(value, on: topic, correlationData: correlationData))
    }

    /// Publishes a message made by one of the functions below.
    func publish(_ message: MQTTMessage) {
        client.publish(message)
    }

    /// Publishes messages made by the functions below, in order, as one burst on the network.
    func publish(contentsOf messages: [MQTTMessage]) {
        client.publish(contentsOf: messages)
    }

    // The messages, made apart from publishing so that a batch can be stored before any of it is published.

    /// The whole current state of an object, for its retained topic.
    func stateMessage<Value: Encodable>(_ value: Value, on topic: String) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: JSONCoding.encode(value), qos: .atLeastOnce, retain: true)
    }

    /// The empty retained message that removes a retained topic.
    func clearMessage(on topic: String) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: [], qos: .atLeastOnce, retain: true)
    }

    /// A notification or command result; not retained.
    func eventMessage<Value: Encodable>(_ value: Value, on topic: String, correlationData: [UInt8]? = nil) -> MQTTMessage {
        MQTTMessage(
            topic: topic, payload: JSONCoding.encode(value), qos: .atLeastOnce, retain: false,
            correlationData: correlationData)
    }
}
