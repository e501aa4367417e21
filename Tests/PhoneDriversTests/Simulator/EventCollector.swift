import CallModel
import Foundation
import PhoneDrivers
import Synchronization

/// Collects the events a driver emits, and waits for them with a deadline.
final class EventCollector: Sendable {
    private let events = Mutex<[PhoneEvent]>([])

    var sink: PhoneEventSink {
        PhoneEventSink { event in self.events.withLock { $0.append(event) } }
    }

    var all: [PhoneEvent] { events.withLock { $0 } }
    var kinds: [PhoneEvent.Kind] { all.map(\.kind) }

    /// Waits until `count` events have arrived, or fails after `timeout`.
    func waitFor(count: Int, timeout: Duration = .seconds(5)) async throws -> [PhoneEvent] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = all
            if current.count >= count { return current }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw WaitTimeout(expected: count, got: all.map(\.kind))
    }

    struct WaitTimeout: Error, CustomStringConvertible {
        let expected: Int
        let got: [PhoneEvent.Kind]
        var description: String { "expected \(expected) events, got \(got.count): \(got)" }
    }
}
