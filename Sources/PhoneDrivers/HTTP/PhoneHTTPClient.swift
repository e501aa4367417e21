import Logging

/// The HTTP client phone drivers use: every request of the process shares one libcurl multi handle and one thread.
///
/// Requests are cheap (no thread or connection pool per request), so thousands may be in flight at once.
/// Call ``shutdown()`` when done; in-flight requests then fail with ``HTTPClientError/shutDown``.
public final class PhoneHTTPClient: PhoneHTTPTransport {
    private let loop = CurlMultiLoop()
    private let logger: Logger

    /// Creates a client and starts its loop thread; log lines go to `logger` with secrets redacted.
    public init(logger: Logger) {
        self.logger = logger
        loop.start(threadName: "PhoneHTTPClient")
    }

    deinit {
        loop.requestStop()
    }

    /// Performs `request`, suspending until the final response, a failure, or cancellation of the calling task.
    ///
    /// - Throws: ``HTTPClientError`` for request and transport failures, `CancellationError` when the task
    ///   is cancelled (the transfer is aborted at once).
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        try request.validate()
        let transfer = HTTPTransfer(request: request)
        let started = ContinuousClock.now
        do {
            let response = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    if transfer.install(continuation) { loop.submit(transfer) }
                }
            } onCancel: {
                transfer.finish(.failure(CancellationError()))
                loop.cancel(transfer)
            }
            logger.debug(
                "HTTP request completed",
                metadata: metadata(for: request, since: started).merging(["http.status": "\(response.status)"]) { $1 }
            )
            return response
        } catch {
            logger.debug(
                "HTTP request failed",
                metadata: metadata(for: request, since: started).merging(["error": "\(error)"]) { $1 }
            )
            throw error
        }
    }

    /// Stops the loop thread, failing in-flight requests with ``HTTPClientError/shutDown``; later requests fail too.
    ///
    /// Blocks briefly until the loop thread has answered every in-flight request and exited.
    public func shutdown() {
        loop.stopAndWait()
    }

    private func metadata(for request: HTTPRequest, since started: ContinuousClock.Instant) -> Logger.Metadata {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return [
            "http.method": "\(request.method.rawValue)",
            "http.url": "\(SecretRedaction.redactedURL(request.url))",
            "http.duration_ms": "\(Int(milliseconds.rounded()))",
        ]
    }
}
