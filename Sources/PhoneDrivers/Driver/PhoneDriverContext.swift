import Foundation
import Logging

/// What the bridge hands a driver when it creates it: where events go, how to log, how to tell time.
public struct PhoneDriverContext: Sendable {
    /// Where the driver delivers normalised events.
    public var events: PhoneEventSink
    /// A logger with the phone's id in its metadata. Never log secrets through it.
    public var logger: Logger
    /// The clock drivers sleep on (injected so tests can shorten time).
    public var clock: any Clock<Duration>
    /// The wall clock for event timestamps.
    public var now: @Sendable () -> Date
    /// The HTTP client drivers talk to phones with: one for the whole bridge (one libcurl thread, not one per phone).
    public var http: any PhoneHTTPTransport
    /// Asks the bridge to probe the phone now (when the driver sees its link to the phone drop).
    public var probe: ProbeRequester

    public init(
        events: PhoneEventSink, logger: Logger, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() }, http: any PhoneHTTPTransport = NoHTTPTransport(),
        probe: ProbeRequester = ProbeRequester()
    ) {
        self.events = events
        self.probe = probe
        self.logger = logger
        self.clock = clock
        self.now = now
        self.http = http
    }
}

/// The transport of a context that was given none: every request fails, saying so.
public struct NoHTTPTransport: PhoneHTTPTransport {
    public init() {}

    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        throw HTTPClientError.invalidRequest("this driver context has no HTTP transport")
    }
}
