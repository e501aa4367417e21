import Foundation
import Hummingbird
import Logging
import MQTTClient
import Prometheus

/// Builds the bridge's HTTP application: health, metrics and the phone event ingress.
enum HTTPServer {
    static func makeApplication(
        host: String, port: Int, router: Router<BridgeRequestContext>, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "ctibridge"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
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
