import Foundation
import Hummingbird
import Logging
import Synchronization

/// A stand-in for the bridge's event ingress on 127.0.0.1, for phone emulators to call (Snom and Grandstream tests).
///
/// It serves `/phones/{phoneId}/events[/subpath]` like the bridge: it refuses a missing or wrong `token` with
/// 403, strips the token, decodes the query, lower-cases header names and hands the rest to `handle`, which
/// answers with a status and a body.
public final class SnomCallbackIngress: Sendable {
    /// A callback as the bridge hands it to a driver.
    public struct Callback: Sendable {
        public var method: String
        public var subpath: String
        public var query: [(name: String, value: String)]
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
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

    /// The bound port.
    public let port: Int
    private let log: StatusLog

    /// `http://127.0.0.1:<port>/phones/<phoneID>/events`.
    public func eventBaseURL(phoneID: String) -> String {
        "http://127.0.0.1:\(port)/phones/\(phoneID)/events"
    }

    /// The status codes answered so far, in order.
    public var statuses: [Int] { log.storage.withLock { $0 } }

    private init(port: Int, log: StatusLog) {
        self.port = port
        self.log = log
    }

    /// Runs an ingress for the phone `phoneID` with `token`, runs `body`, then shuts the ingress down.
    public static func with<Result: Sendable>(
        phoneID: String, token: String,
        handle: @escaping @Sendable (Callback) async -> Answer,
        _ body: (SnomCallbackIngress) async throws -> Result
    ) async throws -> Result {
        let statuses = StatusLog()
        let router = Router()
        let route: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            var request = request
            let phone = context.parameters.get("phoneId") ?? ""
            var query: [(name: String, value: String)] = []
            for (name, value) in request.uri.queryParameters { query.append((String(name), String(value))) }
            let answer: Answer
            if phone != phoneID || query.first(where: { $0.name == "token" })?.value != token {
                answer = Answer(status: 403, body: "forbidden\n")
            } else {
                let collected = try await request.collectBody(upTo: 64 * 1024)
                let headers = request.headers.map { (name: $0.name.canonicalName.lowercased(), value: $0.value) }
                let subpath = context.parameters.getCatchAll().joined(separator: "/")
                answer = await handle(
                    Callback(
                        method: request.method.rawValue, subpath: subpath, query: query.filter { $0.name != "token" },
                        headers: headers, body: Array(collected.readableBytesView)))
            }
            statuses.append(answer.status)
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        for path in ["/phones/:phoneId/events", "/phones/:phoneId/events/**"] {
            router.get(RouterPath(path), use: route)
            router.post(RouterPath(path), use: route)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "SnomCallbackIngress")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw HTTPTestServerError.didNotStart }
            return try await body(SnomCallbackIngress(port: port, log: statuses))
        }
    }
}

/// The statuses an ingress answered, shared between its route and its owner.
private final class StatusLog: Sendable {
    let storage = Mutex<[Int]>([])

    func append(_ status: Int) {
        storage.withLock { $0.append(status) }
    }
}
