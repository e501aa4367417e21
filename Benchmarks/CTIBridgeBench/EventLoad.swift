import PhoneDrivers
import Synchronization

/// Phones calling the bridge's action URLs at a target rate (or flat out), each phone alternating a ring and a
/// far-end hangup, with the latency of each event from the phone's request to the observer's receipt.
struct EventLoad: Sendable {
    let baseURL: String
    let phones: Int
    let http: PhoneHTTPClient
    let observer: BusObserver

    struct Result: Sendable {
        let targetRate: Int?
        let completed: Int
        let lost: Int
        let failedRequests: Int
        let seconds: Double
        let messages: Int
        let bytes: Int
        let latency: LatencyHistogram

        var rate: Double { Double(completed) / seconds }
        var messagesPerSecond: Double { Double(messages) / seconds }
        var label: String { targetRate.map { "\($0) events/s" } ?? "maximum" }
    }

    /// Hands out send times: slot n is due at start + n / rate; no slots after the end.
    private final class Schedule: Sendable {
        let start: ContinuousClock.Instant
        let end: ContinuousClock.Instant
        let interval: Duration?
        private let next = Atomic<Int>(0)

        init(rate: Int?, duration: Duration) {
            start = .now + .milliseconds(50)
            end = start + duration
            interval = rate.map { .nanoseconds(1_000_000_000 / $0) }
        }

        /// The slot's number and due time, or nil when the run is over.
        func take() -> (Int, ContinuousClock.Instant)? {
            let slot = next.add(1, ordering: .relaxed).oldValue
            guard let interval else { return ContinuousClock.now < end ? (slot, .now) : nil }
            let due = start + interval * slot
            // A bridge slower than the target ends the run on time; the rate achieved then shows the shortfall.
            return due < end && ContinuousClock.now < end ? (slot, due) : nil
        }
    }

    func run(rate: Int?, duration: Duration, numberBase: Int) async -> Result {
        let schedule = Schedule(rate: rate, duration: duration)
        let latency = LatencyHistogram()
        let tally = Tally()
        let messagesBefore = observer.messageCount
        let bytesBefore = observer.byteCount
        await withTaskGroup(of: Void.self) { group in
            for phone in 0..<phones {
                group.addTask {
                    let base = "\(baseURL)/phones/\(FleetConfiguration.phoneID(phone))/events"
                    let token = FleetConfiguration.token(phone)
                    while case let (slot, due)? = schedule.take() {
                        try? await Task.sleep(until: due, tolerance: .microseconds(100), clock: .continuous)
                        // Ring from a number unique to this event, then hang up on the next slot.
                        let digits = String((numberBase + slot) % 100_000_000).leftPadded(to: 8)
                        let number = "+4420" + digits
                        let ringURL = "\(base)/ring?token=\(token)&from=%2B4420\(digits)"
                        let sent = ContinuousClock.now
                        guard let ring = await observer.ring(number, send: { fire(ringURL, tally) }) else {
                            tally.lost.add(1, ordering: .relaxed)
                            continue
                        }
                        latency.record(ring.at - sent)
                        tally.completed.add(1, ordering: .relaxed)

                        guard let hangupDue = schedule.take()?.1 else {
                            // Leave no call behind for the next run.
                            fire("\(base)/hangup?token=\(token)", tally)
                            break
                        }
                        try? await Task.sleep(until: hangupDue, tolerance: .microseconds(100), clock: .continuous)
                        let hangupURL = "\(base)/hangup?token=\(token)"
                        let hangupSent = ContinuousClock.now
                        guard let cleared = await observer.clear(ring.topic, send: { fire(hangupURL, tally) }) else {
                            tally.lost.add(1, ordering: .relaxed)
                            continue
                        }
                        latency.record(cleared.at - hangupSent)
                        tally.completed.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        let elapsed = ContinuousClock.now - schedule.start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            targetRate: rate, completed: tally.completed.load(ordering: .relaxed),
            lost: tally.lost.load(ordering: .relaxed), failedRequests: tally.failed.load(ordering: .relaxed), seconds: seconds,
            messages: observer.messageCount - messagesBefore, bytes: observer.byteCount - bytesBefore, latency: latency)
    }

    /// Sends the GET in the background; the observer, not the response, marks the event done.
    private func fire(_ url: String, _ tally: Tally) {
        let http = self.http
        Task {
            let response = try? await http.execute(.get(url, totalTimeout: .seconds(10)))
            if response?.status != 200 { tally.failed.add(1, ordering: .relaxed) }
        }
    }
}

/// Event counts shared by the phone tasks.
private final class Tally: Sendable {
    let completed = Atomic<Int>(0)
    let lost = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
