import Logging
import PhoneDrivers
import Synchronization

/// Runs `body` with a fresh client whose log lines are captured, shutting the client down afterwards.
func withPhoneHTTPClient<Result>(
    logs: HTTPLogCapture = HTTPLogCapture(),
    _ body: (PhoneHTTPClient) async throws -> Result
) async throws -> Result {
    let client = PhoneHTTPClient(logger: logs.logger)
    defer { client.shutdown() }
    return try await body(client)
}

/// Awaits `operation` and returns the error it threw, or `nil` if it succeeded.
func errorThrown<Value>(_ operation: () async throws -> Value) async -> (any Error)? {
    do {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}

/// Seconds elapsed since `start`, as a `Double`.
func elapsedSeconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Collects every log line a client writes, at trace level, so tests can search them for secrets.
final class HTTPLogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "test.http") { _ in HTTPCapturingLogHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Every captured line: message plus all metadata, rendered as text.
    var all: [String] { lines.withLock { $0 } }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }
}

private struct HTTPCapturingLogHandler: LogHandler {
    let capture: HTTPLogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) \(event.message) \(rendered)")
    }
}
