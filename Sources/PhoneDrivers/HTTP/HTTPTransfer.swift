import Synchronization

/// One request in flight: what libcurl has delivered so far, and the caller waiting for the result.
///
/// libcurl's callbacks run on the loop thread and the caller's cancellation handler runs anywhere,
/// so both kinds of state sit behind their own `Mutex`.
final class HTTPTransfer: Sendable {
    /// Response header bytes accepted in total (every header block, all round trips).
    static let maxHeaderBytes = 64 * 1024

    let request: HTTPRequest
    /// Strings that must be scrubbed from anything this transfer reports.
    let secrets: [String]
    private let received = Mutex(ReceivedResponse())
    private let completion = Mutex(CompletionState.notStarted)

    init(request: HTTPRequest) {
        self.request = request
        self.secrets = request.secrets
    }

    // MARK: Data from libcurl (loop thread)

    /// Appends a chunk of body; returns `false`, which aborts the transfer, once the cap would be exceeded.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let limit = request.maxResponseBytes
        return received.withLock { response in
            guard response.body.count + bytes.count <= limit else {
                response.exceededLimit = true
                return false
            }
            response.body.append(contentsOf: bytes)
            return true
        }
    }

    /// Records one raw header line; a status line starts a new response (auth retries, `100 Continue`).
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        received.withLock { response in
            response.headerBytes += bytes.count
            guard response.headerBytes <= Self.maxHeaderBytes else {
                response.exceededLimit = true
                return false
            }
            response.addHeaderLine(String(decoding: bytes, as: UTF8.self))
            return true
        }
    }

    /// Whether the transfer was aborted by the response size cap.
    var exceededLimit: Bool {
        received.withLock { $0.exceededLimit }
    }

    /// The collected response with the given status.
    func response(status: Int) -> HTTPResponse {
        received.withLock { HTTPResponse(status: status, headers: $0.headers, body: $0.body) }
    }

    // MARK: Completion (any thread)

    /// Parks the caller; returns `false` (having already resumed it) if the request was cancelled first.
    func install(_ continuation: CheckedContinuation<HTTPResponse, any Error>) -> Bool {
        let cancelledEarly = completion.withLock { state -> Bool in
            guard case .notStarted = state else { return true }
            state = .waiting(continuation)
            return false
        }
        if cancelledEarly { continuation.resume(throwing: CancellationError()) }
        return !cancelledEarly
    }

    /// Whether the caller has already been answered.
    var isFinished: Bool {
        completion.withLock { $0.isTerminal }
    }

    /// Answers the caller exactly once; later calls are ignored.
    func finish(_ result: Result<HTTPResponse, any Error>) {
        let continuation = completion.withLock { state -> CheckedContinuation<HTTPResponse, any Error>? in
            switch state {
            case .waiting(let continuation):
                state = .finished
                return continuation
            case .notStarted:
                state = .finished
                return nil
            case .finished:
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}

/// Where the caller of one transfer stands.
private enum CompletionState {
    case notStarted
    case waiting(CheckedContinuation<HTTPResponse, any Error>)
    case finished

    var isTerminal: Bool {
        if case .finished = self { return true }
        return false
    }
}

/// What has arrived for the response currently being received.
private struct ReceivedResponse {
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    var headerBytes = 0
    var exceededLimit = false

    mutating func addHeaderLine(_ rawLine: String) {
        let line = rawLine.trimmingLineBreak()
        if line.hasPrefix("HTTP/") {
            // A new response begins: whatever came before belonged to a challenge or an interim response.
            headers = []
            body = []
            return
        }
        guard !line.isEmpty else { return }
        if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            headers[headers.count - 1].value += " " + line.trimmingSpaces()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = String(line[line.index(after: colon)...]).trimmingSpaces()
        headers.append(HTTPHeader(name: name, value: value))
    }
}

extension String {
    fileprivate func trimmingLineBreak() -> String {
        var line = Substring(self)
        while let last = line.last, last == "\n" || last == "\r" || last == "\r\n" { line = line.dropLast() }
        return String(line)
    }

    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
