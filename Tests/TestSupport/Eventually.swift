/// The condition given to `eventually` did not become true in time.
public struct EventuallyTimedOut: Error, CustomStringConvertible {
    public let description: String
}

/// Polls `condition` until it returns true; throws `EventuallyTimedOut` after `timeout`.
public func eventually(
    timeout: Duration = .seconds(5),
    pollInterval: Duration = .milliseconds(20),
    _ what: String = "condition",
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while true {
        if try await condition() { return }
        if ContinuousClock.now >= deadline {
            throw EventuallyTimedOut(description: "\(what) not met within \(timeout)")
        }
        try await Task.sleep(for: pollInterval)
    }
}
