import Foundation
import Hummingbird
import Logging
import Synchronization

/// A real Hummingbird HTTP server on 127.0.0.1 (ephemeral port) with fixed routes for HTTP client tests.
///
/// Routes:
/// - `GET /hello`: 200 `hello, phone` with header `X-Test: yes`.
/// - `GET /header/{name}`: 200 with the value of request header `{name}` as the body.
/// - `POST /echo`: 200 echoing the request body; `X-Received-Content-Type` repeats the request's content type.
/// - `GET|POST /basic`: requires Basic credentials, else 401 with a Basic challenge.
/// - `GET|POST /digest`: requires Digest credentials (``HTTPDigestVerifier``), else 401 with a Digest challenge.
/// - `GET /bytes/{count}`: `count` bytes with a `Content-Length`.
/// - `GET /chunked/{count}`: `count` bytes, chunked, no `Content-Length`.
/// - `GET /redirect?to=…`: 302 to the given location.
public final class TestHTTPServer: Sendable {
    /// The user name and password the protected routes accept.
    public struct Credentials: Sendable {
        /// The accepted user name.
        public var user: String
        /// The accepted password.
        public var password: String

        /// Creates credentials.
        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    /// One request as the server received it.
    public struct RecordedRequest: Sendable {
        /// The request method, e.g. `GET`.
        public var method: String
        /// The request target, path plus query, exactly as sent.
        public var target: String
        /// The `Authorization` header, if any.
        public var authorization: String?
        /// The complete request body.
        public var body: [UInt8]
    }

    /// The bound port on 127.0.0.1.
    public let port: Int
    /// The credentials the protected routes accept.
    public let credentials: Credentials
    /// The verifier behind `/digest`.
    public let digest: HTTPDigestVerifier
    private let recorder: RequestRecorder

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, in arrival order.
    public var recordedRequests: [RecordedRequest] { recorder.all }

    private init(port: Int, credentials: Credentials, digest: HTTPDigestVerifier, recorder: RequestRecorder) {
        self.port = port
        self.credentials = credentials
        self.digest = digest
        self.recorder = recorder
    }

    /// Starts a server, runs `body` with it, then shuts the server down (also when `body` throws).
    public static func withServer<Result: Sendable>(
        credentials: Credentials = Credentials(user: "admin", password: "s3cret-Pa55"),
        digestAlgorithm: HTTPDigestVerifier.Algorithm = .md5,
        _ body: (TestHTTPServer) async throws -> Result
    ) async throws -> Result {
        let recorder = RequestRecorder()
        let digest = HTTPDigestVerifier(realm: "test-phone", algorithm: digestAlgorithm)
        let router = makeRouter(credentials: credentials, digest: digest, recorder: recorder)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "TestHTTPServer")
        // Cancelling the server task at the end of a test makes Hummingbird log harmless errors about closing.
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "TestHTTPServer"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw HTTPTestServerError.didNotStart }
            let server = TestHTTPServer(port: port, credentials: credentials, digest: digest, recorder: recorder)
            return try await body(server)
        }
    }

    private static func makeRouter(
        credentials: Credentials, digest: HTTPDigestVerifier, recorder: RequestRecorder
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(RecordingMiddleware(recorder: recorder))

        router.get("/hello") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain", FieldName("X-Test")!: "yes"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: "hello, phone")))
        }
        router.get("/header/{name}") { request, context in
            let name = try context.parameters.require("name")
            let value = FieldName(name).flatMap { request.headers[$0] } ?? ""
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: value)))
        }
        router.post("/echo") { request, _ in
            var request = request
            let contentType = request.headers[.contentType] ?? ""
            let body = try await request.collectBody(upTo: 16 * 1024 * 1024)
            return Response(status: .ok, headers: [FieldName("X-Received-Content-Type")!: contentType],
                            body: ResponseBody(byteBuffer: body))
        }

        let basic: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let expected = "Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
            guard request.headers[.authorization] == expected else {
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"test-phone\""])
            }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "basic ok")))
        }
        router.get("/basic", use: basic)
        router.post("/basic", use: basic)

        let digestRoute: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let outcome = digest.verify(
                authorization: request.headers[.authorization],
                method: request.method.rawValue,
                uri: request.head.path ?? "",
                credentials: [credentials.user: credentials.password]
            )
            guard outcome.isAuthenticated else {
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: digest.challenge()])
            }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "digest ok")))
        }
        router.get("/digest", use: digestRoute)
        router.post("/digest", use: digestRoute)

        router.get("/bytes/{count}") { _, context in
            let count = try context.parameters.require("count", as: Int.self)
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: count)))
        }
        router.get("/chunked/{count}") { _, context in
            let count = try context.parameters.require("count", as: Int.self)
            return Response(status: .ok, body: ResponseBody { writer in
                var remaining = count
                while remaining > 0 {
                    let chunk = min(remaining, 16 * 1024)
                    try await writer.write(ByteBuffer(repeating: UInt8(ascii: "x"), count: chunk))
                    remaining -= chunk
                }
                try await writer.finish(nil)
            })
        }
        router.get("/redirect") { request, _ in
            let location = request.uri.queryParameters.get("to") ?? "/hello"
            return Response(status: .found, headers: [.location: location])
        }
        return router
    }
}

/// HTTP field names (HTTPTypes' `HTTPField.Name`, reached through Hummingbird's re-export of `HTTPFields`).
private typealias FieldName = HTTPFields.Element.Name

/// Why a test server could not be used.
public enum HTTPTestServerError: Error {
    /// The server never reported a bound port (or its process died while starting).
    case didNotStart
}

/// Every request the server received, in arrival order.
private final class RequestRecorder: Sendable {
    private let requests = Mutex<[TestHTTPServer.RecordedRequest]>([])

    var all: [TestHTTPServer.RecordedRequest] { requests.withLock { $0 } }

    func record(_ request: TestHTTPServer.RecordedRequest) {
        requests.withLock { $0.append(request) }
    }
}

/// Reads the whole body (handlers can still read it again) and records the request before routing.
private struct RecordingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let recorder: RequestRecorder

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 * 1024 * 1024)
        recorder.record(
            TestHTTPServer.RecordedRequest(
                method: request.method.rawValue,
                target: request.head.path ?? "",
                authorization: request.headers[.authorization],
                body: Array(buffer.readableBytesView)
            )
        )
        return try await next(request, context)
    }
}
