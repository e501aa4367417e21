import Synchronization

/// What a timed run achieved: how many items arrived, how many never did, over how long, and how late.
struct TimedRun: Sendable {
    let completed: Int
    let lost: Int
    let seconds: Double
    let latency: LatencyHistogram

    var rate: Double { Double(completed) / seconds }
}

/// Times items from when they are sent to when their arrival is reported, from any thread.
final class ArrivalTally: Sendable {
    let latency = LatencyHistogram()
    private let reported = Atomic<Int>(0)
    private let lost = Atomic<Int>(0)

    var reportedCount: Int { reported.load(ordering: .relaxed) }
    var lostCount: Int { lost.load(ordering: .relaxed) }

    /// For something sent now: call the result once with its arrival, or nil if it never arrived.
    func timing() -> @Sendable (ContinuousClock.Instant?) -> Void {
        let sentAt = ContinuousClock.now
        return { [self] arrival in
            if let arrival { latency.record(arrival - sentAt) } else { lost.add(1, ordering: .relaxed) }
            reported.add(1, ordering: .relaxed)
        }
    }
}

/// Sends at a fixed rate, open loop: item n is due at start + n / rate whether or not earlier ones have arrived.
/// What fell due while the sender slept goes out at once, together (so a late sender catches up and the rate
/// achieved shows any shortfall); then the run waits up to 12 s for the last arrivals.
enum OpenLoop {
    static func run(
        rate: Int, duration: Duration, send: (_ items: Range<Int>, _ tally: ArrivalTally) -> Void
    ) async -> TimedRun {
        let tally = ArrivalTally()
        let interval = Duration.nanoseconds(1_000_000_000 / max(1, rate))
        let start = ContinuousClock.now
        let end = start + duration
        var sent = 0
        while start + interval * sent < end {
            let due = start + interval * sent
            if due > .now { try? await Task.sleep(until: due, tolerance: .zero, clock: .continuous) }
            var upTo = sent
            let now = ContinuousClock.now
            while start + interval * upTo <= now, start + interval * upTo < end { upTo += 1 }
            send(sent..<upTo, tally)
            sent = upTo
        }
        let finished = ContinuousClock.now
        while tally.reportedCount < sent, ContinuousClock.now - finished < .seconds(12) {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let elapsed = ContinuousClock.now - start
        return TimedRun(
            completed: tally.reportedCount - tally.lostCount, lost: tally.lostCount,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            latency: tally.latency)
    }
}
