import Histogram
import Synchronization

/// Latencies in microseconds, recorded from many tasks at once.
final class LatencyHistogram: Sendable {
    private let histogram = Mutex(Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three))

    func record(_ duration: Duration) {
        let micros = max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
        histogram.withLock { _ = $0.record(UInt64(min(micros, 60_000_000))) }
    }

    var count: UInt64 { histogram.withLock { $0.totalCount } }

    /// The value at `percentile` (0…100), in milliseconds.
    func milliseconds(at percentile: Double) -> Double {
        Double(histogram.withLock { $0.valueAtPercentile(percentile) }) / 1000
    }

    /// `p50 x ms, p99 y ms, p99.9 z ms, max m ms`.
    var summary: String {
        let max = Double(histogram.withLock { $0.max }) / 1000
        return "p50 \(format(milliseconds(at: 50))) ms, p99 \(format(milliseconds(at: 99))) ms, "
            + "p99.9 \(format(milliseconds(at: 99.9))) ms, max \(format(max)) ms"
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Two decimals, without Foundation's locale-dependent formatting.
func format(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = abs(hundredths % 100)
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
