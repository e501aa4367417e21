import Logging

/// swift-log's `StreamLogHandler`, with the logger's metadata turned into text when a message is written rather
/// than whenever the metadata changes.
///
/// `StreamLogHandler` renders its metadata on every change, and the HTTP server puts a request id on its logger
/// for every request: at thousands of phone callbacks a second that was 2 % of the bridge's CPU, spent on text
/// that was almost never written. The output is the same: the metadata travels with each message, where the
/// message's own metadata wins, as it does in `StreamLogHandler`.
struct LazyMetadataLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    init(_ stream: StreamLogHandler) {
        self.stream = stream
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard !metadata.isEmpty else { return stream.log(event: event) }
        var event = event
        event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        stream.log(event: event)
    }
}
