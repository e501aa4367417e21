import Logging
import MQTTClient
import Synchronization

/// The bus's own latency at a given message rate: a libmosquitto publisher (the project's MQTT client, as the
/// bridge publishes) sending messages of the bridge's average size at a fixed rate, QoS 1, each carrying a unique
/// number, timed from its publication to the reference subscriber's receipt.
///
/// What the event path's latency cannot go below at that rate on this machine: broker, subscriber and one MQTT
/// client, without the phones' HTTP and the bridge (so with the bridge's CPU left free).
struct ReferenceLatency: Sendable {
    let broker: BenchBroker

    struct Result: Sendable {
        let sent: Int
        let lost: Int
        let seconds: Double
        let latency: LatencyHistogram
        var messagesPerSecond: Double { Double(sent - lost) / seconds }
    }

    func run(messagesPerSecond rate: Int, duration: Duration, payloadSize: Int, observer: BusObserver) async throws -> Result {
        var logger = Logger(label: "bench-reference-publisher")
        logger.logLevel = .warning
        let client = try MQTTClient(
            configuration: MQTTConfiguration(url: broker.url, clientId: "bench-reference-paced", offlineBufferCapacity: 1_000_000),
            logger: logger)
        client.start()
        guard await client.waitUntilConnected(timeout: .seconds(10)) else { throw BenchError("reference publisher not connected") }
        defer { Task { await client.stop(flushTimeout: .seconds(1)) } }

        let latency = LatencyHistogram()
        let seen = Atomic<Int>(0)
        let lost = Atomic<Int>(0)
        let padding = Array(repeating: UInt8(ascii: "x"), count: max(0, payloadSize - 13))
        let interval = Duration.nanoseconds(1_000_000_000 / max(1, rate))
        let start = ContinuousClock.now
        let end = start + duration
        var sent = 0
        while start + interval * sent < end {
            let due = start + interval * sent
            if due > .now { try? await Task.sleep(until: due, tolerance: .zero, clock: .continuous) }
            // Whatever fell due while asleep goes out now, as one burst, as the bridge publishes a batch.
            var burst: [MQTTMessage] = []
            while start + interval * sent <= .now, start + interval * sent < end {
                let number = "+4420" + String(70_000_000 + sent % 10_000_000).leftPadded(to: 8)
                let publishedAt = ContinuousClock.now
                observer.expectRing(number) { sighting in
                    if let sighting { latency.record(sighting.at - publishedAt) } else { lost.add(1, ordering: .relaxed) }
                    seen.add(1, ordering: .relaxed)
                }
                burst.append(
                    MQTTMessage(topic: "bench/paced", payload: Array(number.utf8) + padding, qos: .atLeastOnce))
                sent += 1
            }
            client.publish(contentsOf: burst)
        }
        let published = ContinuousClock.now
        while seen.load(ordering: .relaxed) < sent, ContinuousClock.now - published < .seconds(12) {
            try await Task.sleep(for: .milliseconds(5))
        }
        let elapsed = ContinuousClock.now - start
        return Result(
            sent: sent, lost: lost.load(ordering: .relaxed),
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, latency: latency)
    }
}
