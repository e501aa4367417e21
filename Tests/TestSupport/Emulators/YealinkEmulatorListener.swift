import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// One HTTP request as a fake phone (or a fake bridge ingress) received it, byte for byte where it matters.
public struct YealinkEmulatorRequest: Sendable {
    /// The method, e.g. `GET`.
    public var method: String
    /// The request target exactly as sent: path plus `?query`.
    public var target: String
    /// Header fields as received, names lower-cased.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]
    /// The query parameters decoded the way the bridge's ingress decodes them (Hummingbird's `queryParameters`).
    public var decodedQuery: [(name: String, value: String)]

    /// The path part of the target.
    public var path: String { String(target.prefix { $0 != "?" }) }
    /// The raw query string (after `?`), if any.
    public var rawQuery: String? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: mark)...])
    }

    /// The first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }
}

/// What a fake phone answers.
public struct YealinkEmulatorResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: String

    public init(status: Int, headers: [(name: String, value: String)] = [], body: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A Hummingbird server on 127.0.0.1 that hands every request to one handler and can go down and come back on
/// the same port, so tests can show a phone becoming unreachable and reachable again.
public final class YealinkEmulatorListener: Sendable {
    public typealias Handler = @Sendable (YealinkEmulatorRequest) async -> YealinkEmulatorResponse

    private struct Running: Sendable {
        var task: Task<Void, Never>?
        var group: ServiceGroup?
        var port: Int = 0
    }

    private let handler: Handler
    private let name: String
    private let running = Mutex(Running())

    /// Creates a stopped listener.
    public init(name: String, handler: @escaping Handler) {
        self.name = name
        self.handler = handler
    }

    /// The bound port (0 before the first start).
    public var port: Int { running.withLock { $0.port } }

    /// Whether the server is listening now.
    public var isRunning: Bool { running.withLock { $0.task != nil } }

    /// Starts listening: on an ephemeral port the first time, on the same port afterwards.
    public func start() async throws {
        let requestedPort = running.withLock { $0.port }
        let handler = self.handler
        let router = Router()
        router.middlewares.add(YealinkEmulatorMiddleware(handler: handler))
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: name)
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: requestedPort), serverName: name),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        // A service group, so stop() can shut down gracefully: that also closes the idle keep-alive connections a
        // client (the bridge's libcurl) holds, which cancelling the server task leaves open and answering.
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            do {
                try await group.run()
            } catch {
                portContinuation.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            await task.value
            throw HTTPTestServerError.didNotStart
        }
        running.withLock {
            $0.task = task
            $0.group = group
            $0.port = port
        }
    }

    /// Stops listening and waits until the port is closed.
    public func stop() async {
        let (task, group) = running.withLock { running -> (Task<Void, Never>?, ServiceGroup?) in
            defer {
                running.task = nil
                running.group = nil
            }
            return (running.task, running.group)
        }
        await group?.triggerGracefulShutdown()
        await task?.value
    }
}

/// Hands every request to the handler; nothing reaches the router's routes.
private struct YealinkEmulatorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let handler: YealinkEmulatorListener.Handler

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        var decoded: [(name: String, value: String)] = []
        for (name, value) in request.uri.queryParameters {
            decoded.append((String(name), String(value)))
        }
        let received = YealinkEmulatorRequest(
            method: request.method.rawValue,
            target: request.head.path ?? "",
            headers: request.headers.map { (name: $0.name.canonicalName.lowercased(), value: $0.value) },
            body: Array(buffer.readableBytesView),
            decodedQuery: decoded)
        let answer = await handler(received)
        var fields = HTTPFields()
        for header in answer.headers {
            if let name = HTTPFields.Element.Name(header.name) { fields.append(.init(name: name, value: header.value)) }
        }
        return Response(
            status: .init(code: answer.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
