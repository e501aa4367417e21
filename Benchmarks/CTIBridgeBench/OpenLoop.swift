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
    private let lastArrival = Mutex<ContinuousClock.Instant?>(nil)

    var reportedCount: Int { reported.load(ordering: .relaxed) }
    var lostCount: Int { lost.load(ordering: .relaxed) }
    /// When the latest arrival was reported.
    var latestArrival: ContinuousClock.Instant? { lastArrival.withLock { $0 } }

    /// For something sent now: call the result once with its arrival, or nil if it never arrived.
    func timing() -> @Sendable (ContinuousClock.Instant?) -> Void {
        let sentAt = ContinuousClock.now
        return { [self] arrival in
            if let arrival {
                latency.record(arrival - sentAt)
                lastArrival.withLock { latest in latest = max(latest ?? arrival, arrival) }
            } else {
                lost.add(1, ordering: .relaxed)
            }
            reported.add(1, ordering: .relaxed)
        }
    }
}

/// Sends at a fixed rate, open loop: item n is due at start + n / rate whether or not earlier ones have arrived.
/// What fell due while the sender slept goes out at once, together (so a late sender catches up and the rate
/// achieved shows any shortfall); then the run waits up to 12 s for the last arrivals. Latency counts from the
/// moment an item is sent, as the event path's load generator does; the rate achieved is the items that
/// arrived over the time from the start to the later of the schedule's end and the last arrival.
enum OpenLoop {
    static func run(
        rate: Int, duration: Duration, send: (_ items: Range<Int>, _ tally: ArrivalTally) -> Void
    ) async -> TimedRun {
        precondition((1...1_000_000).contains(rate), "a rate of 1 to 1,000,000 a second")
        let tally = ArrivalTally()
        let interval = Duration.nanoseconds(1_000_000_000 / rate)
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
        let elapsed = max(end, tally.latestArrival ?? end) - start
        return TimedRun(
            completed: tally.reportedCount - tally.lostCount, lost: tally.lostCount,
            seconds: elapsed.inSeconds,
            latency: tally.latency)
    }
}
