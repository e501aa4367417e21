import Metrics

/// The client's metrics; the names are part of the bridge's `/metrics` contract.
struct MQTTMetrics: Sendable {
    /// 1 while connected and caught up, 0 otherwise.
    let connected: Gauge
    /// Successful connections after the first one.
    let reconnects: Counter
    /// Messages handed to the broker, including re-published states and flushed buffers.
    let messagesOut: Counter
    /// Non-retained messages dropped because the offline buffer was full.
    let dropped: Counter
    /// Messages received on subscriptions.
    let messagesIn: Counter

    init(factory: any MetricsFactory) {
        connected = Gauge(label: "ctibridge_mqtt_connected", dimensions: [], factory: factory)
        reconnects = Counter(label: "ctibridge_mqtt_reconnects_total", dimensions: [], factory: factory)
        messagesOut = Counter(label: "ctibridge_mqtt_messages_out_total", dimensions: [], factory: factory)
        dropped = Counter(label: "ctibridge_mqtt_dropped_total", dimensions: [], factory: factory)
        messagesIn = Counter(label: "ctibridge_mqtt_messages_in_total", dimensions: [], factory: factory)
    }
}
