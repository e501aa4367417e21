import Foundation
import Hummingbird
import Logging
import Synchronization

/// A stand-in for the bridge's event ingress on 127.0.0.1: `/phones/{id}/events/{subpath}` with a token check,
/// handing each callback (method, subpath, decoded query without the token, lower-cased headers, body) to
/// `handler`, which answers with an HTTP status and body.
public final class PolyEventIngress: Sendable {
    /// One callback as the ingress saw it.
    public struct Callback: Sendable {
        public var method: String
        public var subpath: String
        public var query: [(name: String, value: String)]
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
    }

    /// What the handler answers.
    public typealias Handler = @Sendable (Callback) async -> (status: Int, body: String)

    /// The bound port.
    public let port: Int
    private let recorder: PolyIngressStatuses

    /// `http://127.0.0.1:<port>/phones/<phoneID>/events`, the `eventBaseURL` for provisioning.
    public func eventBaseURL(phoneID: String) -> String {
        "http://127.0.0.1:\(port)/phones/\(phoneID)/events"
    }

    /// The statuses answered so far, in order.
    public var answered: [Int] { recorder.statuses.withLock { $0 } }

    private init(port: Int, recorder: PolyIngressStatuses) {
        self.port = port
        self.recorder = recorder
    }

    /// Runs an ingress that accepts `token` for `phoneID` while `body` runs.
    public static func withIngress<Result: Sendable>(
        phoneID: String, token: String, handler: @escaping Handler,
        _ body: (PolyEventIngress) async throws -> Result
    ) async throws -> Result {
        let recorder = PolyIngressStatuses()
        let router = Router()
        let route: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            var request = request
            let status: Int
            let text: String
            let query = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
            if context.parameters.get("phone") != phoneID || !query.contains(where: { $0 == ("token", token) }) {
                (status, text) = (403, "forbidden")
            } else {
                let bytes = try await request.collectBody(upTo: 1024 * 1024)
                var headers: [(name: String, value: String)] = []
                for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
                let callback = Callback(
                    method: request.method.rawValue, subpath: context.parameters.get("subpath") ?? "",
                    query: query.filter { $0.name != "token" }, headers: headers, body: Array(bytes.readableBytesView))
                (status, text) = await handler(callback)
            }
            recorder.append(status)
            return Response(
                status: .init(code: status), body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/phones/{phone}/events/{subpath}", use: route)
        router.post("/phones/{phone}/events/{subpath}", use: route)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "PolyEventIngress")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "ingress"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw PolyEmulatorError.didNotStart }
            return try await body(PolyEventIngress(port: port, recorder: recorder))
        }
    }
}

/// The statuses an ingress answered, shared between its route and the value handed to the test.
private final class PolyIngressStatuses: Sendable {
    let statuses = Mutex<[Int]>([])

    func append(_ status: Int) {
        statuses.withLock { $0.append(status) }
    }
}
