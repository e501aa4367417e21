import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A Hummingbird server on 127.0.0.1 that can go down and come back on the same port, so tests can show a fake
/// phone (or a fake ingress) becoming unreachable and reachable again.
///
/// The first ``start(_:)`` binds an ephemeral port; later ones bind that port again. Call it only while stopped.
public final class RestartableHTTPServer: Sendable {
    private struct Running: Sendable {
        var task: Task<Void, Never>?
        var group: ServiceGroup?
        var port = 0
    }

    private let name: String
    private let serverName: String?
    private let running = Mutex(Running())

    /// Creates a stopped server; `name` labels its logger, `serverName` is sent as the `Server` header (none if nil).
    public init(name: String, serverName: String? = nil) {
        self.name = name
        self.serverName = serverName
    }

    /// The bound port (0 before the first start; kept while stopped).
    public var port: Int { running.withLock { $0.port } }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Whether the server is listening now.
    public var isRunning: Bool { running.withLock { $0.task != nil } }

    /// Starts serving `router`: on an ephemeral port the first time, on the same port afterwards.
    public func start(_ router: Router<BasicRequestContext>) async throws {
        let requestedPort = port
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: name)
        // Stopping a server with open connections makes Hummingbird log harmless errors about closing them.
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: requestedPort), serverName: serverName),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        // A service group, so stop() can shut down gracefully: that also closes the idle keep-alive connections a
        // client (the bridge's libcurl) holds, which cancelling the server task leaves open and answering.
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            try? await group.run()
            // A server that never bound (port taken) ends here without having reported a port.
            portContinuation.finish()
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

    /// Stops listening and waits until the port is closed; requests in progress are answered first.
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
