import Foundation
import Hummingbird
import Logging
import MQTTClient
import NIOPosix
import Prometheus
import ServiceLifecycle

/// Builds the bridge's HTTP application: health, metrics and the phone event ingress.
enum HTTPServer {
    /// The HTTP service: one event loop thread that also runs the route handlers (see `EventLoopTaskExecutor`).
    ///
    /// One thread is plenty: a request costs tens of microseconds there, and the work that follows a phone
    /// event (agent state, the store, MQTT) runs elsewhere.
    struct Service: ServiceLifecycle.Service, CustomStringConvertible {
        let application: Application<RouterResponder<BridgeRequestContext>>
        let group: MultiThreadedEventLoopGroup

        var description: String { "HTTPServer" }

        func run() async throws {
            let executor = EventLoopTaskExecutor(group.next())
            do {
                try await withTaskExecutorPreference(executor) { try await application.run() }
            } catch {
                await shutDown()
                throw error
            }
            await shutDown()
        }

        /// From a detached task: the group cannot be shut down from its own thread.
        private func shutDown() async {
            let group = self.group
            await Task.detached { try? await group.shutdownGracefully() }.value
        }
    }

    static func makeApplication(
        host: String, port: Int, router: Router<BridgeRequestContext>, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Service {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "ctibridge"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            eventLoopGroupProvider: .shared(group), logger: logger)
        return Service(application: application, group: group)
    }

    /// Every route of the bridge, in one router (tests list its routes against the OpenAPI document).
    static func makeRouter(
        ingress: PhoneEventIngress, api: APIRoutes?, apiKeys: [APIKey], mqtt: MQTTClient,
        prometheus: PrometheusCollectorRegistry?
    ) -> Router<BridgeRequestContext> {
        let router = Router(context: BridgeRequestContext.self)
        router.add(middleware: MetricsMiddleware())
        router.get("/healthz") { _, _ -> Response in
            let connected = mqtt.isConnected
            let body = HealthPayload(status: connected ? "ok" : "degraded", mqtt: connected ? "connected" : "disconnected")
            return JSONResponse.make(body, status: connected ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ -> Response in
            guard let prometheus else { return JSONResponse.text("metrics are not enabled\n", status: .notFound) }
            return JSONResponse.text(
                prometheus.emitToString(), status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        ingress.register(on: router)
        api?.register(on: router, keys: apiKeys)
        return router
    }
}

/// `GET /healthz`: ready when the bridge is connected to its broker.
struct HealthPayload: Codable, Sendable {
    var status: String
    var mqtt: String
}
