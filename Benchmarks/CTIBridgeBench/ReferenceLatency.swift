import MQTTClient

/// The bus's own latency at a given message rate: a libmosquitto publisher (the project's MQTT client, as the
/// bridge publishes) sending messages of the bridge's average size at a fixed rate, QoS 1, each carrying a unique
/// number, timed from its publication to the reference subscriber's receipt.
///
/// What the event path's latency cannot go below at that rate on this machine: broker, subscriber and one MQTT
/// client, without the phones' HTTP and the bridge (so with the bridge's CPU left free).
struct ReferenceLatency: Sendable {
    static let topic = "bench/paced"
    let broker: BenchBroker

    /// `numberBase`: where this run's numbers start, so that a late message of an earlier run matches nothing.
    func run(
        messagesPerSecond rate: Int, duration: Duration, payloadSize: Int, numberBase: Int, observer: BusObserver
    ) async throws -> TimedRun {
        let client = try await broker.connectedClient(id: "bench-reference-paced")
        let padding = Array(repeating: UInt8(ascii: "x"), count: max(0, payloadSize - 13))
        // Published as bursts of what fell due together, as the bridge publishes a batch.
        let run = await OpenLoop.run(rate: rate, duration: duration) { items, tally in
            var burst: [MQTTMessage] = []
            for item in items {
                let number = "+4420" + String((numberBase + item) % 100_000_000).leftPadded(to: 8)
                let arrived = tally.timing()
                observer.expectRing(number) { arrived($0?.at) }
                burst.append(MQTTMessage(topic: Self.topic, payload: Array(number.utf8) + padding, qos: .atLeastOnce))
            }
            client.publish(contentsOf: burst)
        }
        await client.stop(flushTimeout: .seconds(1))
        return run
    }
}
