import Synchronization

/// A stand-in for the bridge's event ingress (`/phones/{phoneId}/events[/subpath]`) on 127.0.0.1, for fake
/// phones to call back.
///
/// Like the bridge it answers 404 for another phone, refuses a missing or wrong `?token=` with 403, strips the
/// token, decodes the query with Hummingbird, lower-cases header names and hands the rest to the handler (which
/// in driver tests asks the driver and answers as the bridge would).
public final class TestEventIngress: Sendable {
    /// One callback that passed the token check, as the bridge hands it to a driver.
    public struct Callback: Sendable {
        public var method: String
        /// The path below `/phones/{phoneId}/events`, without the leading slash.
        public var subpath: String
        /// Decoded query items without the token.
        public var query: [(name: String, value: String)]
        /// Header fields, names lower-cased.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// The request target exactly as it arrived (token included).
        public var rawTarget: String
    }

    /// What the handler answers.
    public struct Answer: Sendable {
        public var status: Int
        public var body: String

        public init(status: Int, body: String) {
            self.status = status
            self.body = body
        }
    }

    public typealias Handler = @Sendable (Callback) async -> Answer

    private struct Log: Sendable {
        var callbacks: [Callback] = []
        var statuses: [Int] = []
        var refused = 0
    }

    /// The phone id in the path.
    public let phoneID: String
    /// The token phones must present.
    public let token: String
    private let handler: Handler
    private let server = RestartableHTTPServer(name: "TestEventIngress")
    private let log = Mutex(Log())

    private init(phoneID: String, token: String, handler: @escaping Handler) {
        self.phoneID = phoneID
        self.token = token
        self.handler = handler
    }

    /// Starts an ingress that hands callbacks for `phoneID` carrying `token` to `handler`.
    public static func start(phoneID: String, token: String, handler: @escaping Handler) async throws -> TestEventIngress {
        let ingress = TestEventIngress(phoneID: phoneID, token: token, handler: handler)
        try await ingress.server.start { request in await ingress.handle(request) }
        return ingress
    }

    /// Runs an ingress while `body` runs, then stops it (also when `body` throws).
    public static func with<Result>(
        phoneID: String, token: String, handler: @escaping Handler, _ body: (TestEventIngress) async throws -> Result
    ) async throws -> Result {
        let ingress = try await start(phoneID: phoneID, token: token, handler: handler)
        return try await withAsyncDefer({ await ingress.stop() }) { try await body(ingress) }
    }

    /// `http://127.0.0.1:<port>/phones/<phoneID>/events`: what the bridge prints as `eventBaseURL`.
    public var eventBaseURL: String { "\(server.baseURL)/phones/\(phoneID)/events" }

    /// Every callback that passed the token check, in arrival order.
    public var callbacks: [Callback] { log.withLock { $0.callbacks } }
    /// The status of every answer, refusals included, in order.
    public var statuses: [Int] { log.withLock { $0.statuses } }
    /// How many callbacks were refused for a wrong or missing token.
    public var refusedCount: Int { log.withLock { $0.refused } }

    /// Stops listening.
    public func stop() async {
        await server.stop()
    }

    private func handle(_ request: ReceivedHTTPRequest) async -> HTTPReply {
        let answer = await answer(request)
        log.withLock { $0.statuses.append(answer.status) }
        return HTTPReply(status: answer.status, body: answer.body)
    }

    private func answer(_ request: ReceivedHTTPRequest) async -> Answer {
        let prefix = "/phones/\(phoneID)/events"
        let path = request.path
        guard path == prefix || path.hasPrefix(prefix + "/") else { return Answer(status: 404, body: "unknown phone\n") }
        guard request.decodedQuery.first(where: { $0.name == "token" })?.value == token else {
            log.withLock { $0.refused += 1 }
            return Answer(status: 403, body: "forbidden\n")
        }
        let callback = Callback(
            method: request.method, subpath: String(path.dropFirst(prefix.count).drop { $0 == "/" }),
            query: request.decodedQuery.filter { $0.name != "token" }, headers: request.headers, body: request.body,
            rawTarget: request.target)
        log.withLock { $0.callbacks.append(callback) }
        return await handler(callback)
    }
}
