import Logging
import MQTTClient
import Synchronization

/// A consumer on the broker that timestamps what it receives and wakes the load generator's waiters.
///
/// A ring is recognised by its unique caller number in a `cti/calls/{id}` payload; the end of that call by
/// the empty retained message that clears the same topic. A reference latency message (`bench/paced`) is
/// recognised by the number it carries, as a ring.
final class BusObserver: Sendable {
    /// When the observer saw something, and on which call topic.
    struct Sighting: Sendable {
        let topic: String
        let at: ContinuousClock.Instant
    }

    /// Told what was seen, or nil when the deadline passed first.
    typealias Expectation = @Sendable (Sighting?) -> Void

    private struct Waiter {
        let deadline: ContinuousClock.Instant
        let then: Expectation
    }

    private struct State {
        var messages = 0
        var bytes = 0
        var topics: Set<String> = []
        var lastReceipt: ContinuousClock.Instant?
        var ringWaiters: [String: Waiter] = [:]
        var clearWaiters: [String: Waiter] = [:]
    }

    private let state = Mutex(State())
    let client: MQTTClient
    private let trackTopics: Bool

    /// Connects, subscribes to `filter` and starts reading; `trackTopics` keeps every distinct topic seen.
    init(broker: MQTTBrokerURL, filter: String, name: String, trackTopics: Bool = false) async throws {
        var logger = Logger(label: "bench-observer")
        logger.logLevel = .warning
        client = try MQTTClient(
            configuration: MQTTConfiguration(url: broker, clientId: "bench-\(name)", incomingBufferCapacity: 10_000_000),
            logger: logger)
        self.trackTopics = trackTopics
        // On the network thread: a receipt is timestamped as it is read, with no task switch per message.
        client.onMessage { [weak self] message in self?.receive(message, at: .now) }
        client.start()
        guard await client.waitUntilConnected(timeout: .seconds(10)) else { throw BenchError("observer not connected") }
        try await client.subscribe(filter)
        Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                self.expireWaiters()
            }
        }
    }

    var messageCount: Int { state.withLock { $0.messages } }
    var byteCount: Int { state.withLock { $0.bytes } }
    var lastReceipt: ContinuousClock.Instant? { state.withLock { $0.lastReceipt } }
    func topicCount(where predicate: (String) -> Bool) -> Int { state.withLock { $0.topics.filter(predicate).count } }

    /// Waits for the call rung from `number` to appear on the bus; nil after `timeout`.
    func ring(_ number: String, timeout: Duration = .seconds(10), send: @Sendable () -> Void) async -> Sighting? {
        await withCheckedContinuation { continuation in
            expectRing(number, timeout: timeout) { continuation.resume(returning: $0) }
            send()
        }
    }

    /// Calls `then` (on the subscriber's network thread) when the call rung from `number` appears, or with nil after `timeout`.
    func expectRing(_ number: String, timeout: Duration = .seconds(10), then: @escaping Expectation) {
        state.withLock { $0.ringWaiters[number] = Waiter(deadline: .now + timeout, then: then) }
    }

    /// Calls `then` when the retained call on `topic` is cleared, or with nil after `timeout`.
    func expectClear(_ topic: String, timeout: Duration = .seconds(10), then: @escaping Expectation) {
        state.withLock { $0.clearWaiters[topic] = Waiter(deadline: .now + timeout, then: then) }
    }

    private func receive(_ message: MQTTMessage, at instant: ContinuousClock.Instant) {
        // The throughput reference's messages (`bench/reference`) carry no number: not scanned.
        let isCall = message.topic.hasPrefix("cti/calls/") || message.topic == ReferenceLatency.topic
        let number = isCall && !message.payload.isEmpty ? Self.benchNumber(in: message.payload) : nil
        let woken: (Waiter, Sighting)? = state.withLock { state in
            state.messages += 1
            state.bytes += message.payload.count + message.topic.utf8.count
            state.lastReceipt = instant
            if trackTopics { state.topics.insert(message.topic) }
            guard isCall else { return nil }
            if message.payload.isEmpty {
                guard let waiter = state.clearWaiters.removeValue(forKey: message.topic) else { return nil }
                return (waiter, Sighting(topic: message.topic, at: instant))
            }
            guard let number, let waiter = state.ringWaiters.removeValue(forKey: number) else { return nil }
            return (waiter, Sighting(topic: message.topic, at: instant))
        }
        if let woken { woken.0.then(woken.1) }
    }

    private func expireWaiters() {
        let now = ContinuousClock.now
        let expired: [Waiter] = state.withLock { state in
            let rings = state.ringWaiters.filter { $0.value.deadline < now }
            let clears = state.clearWaiters.filter { $0.value.deadline < now }
            for key in rings.keys { state.ringWaiters[key] = nil }
            for key in clears.keys { state.clearWaiters[key] = nil }
            return Array(rings.values) + Array(clears.values)
        }
        for waiter in expired { waiter.then(nil) }
    }

    /// The load generator's callers are `+4420` followed by eight digits; finds the first such number.
    static func benchNumber(in payload: [UInt8]) -> String? {
        let prefix = Array("+4420".utf8)
        guard payload.count >= prefix.count + 8 else { return nil }
        var index = 0
        while index + prefix.count + 8 <= payload.count {
            if payload[index] == prefix[0], Array(payload[index..<index + prefix.count]) == prefix {
                let digits = payload[index + prefix.count..<index + prefix.count + 8]
                if digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                    return String(decoding: payload[index..<index + prefix.count + 8], as: UTF8.self)
                }
            }
            index += 1
        }
        return nil
    }

    func stop() async {
        await client.stop(flushTimeout: .seconds(1))
    }
}
