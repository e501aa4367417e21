import Logging
import MQTTClient
import ServiceLifecycle

/// Owns the broker connection: announces the bridge online, and on graceful shutdown announces it offline
/// and disconnects cleanly, so the will (which says the same) is kept for real crashes.
///
/// It is the first service of the group, so it is the last to shut down: every other service's final
/// publications are still sent.
struct BusService: Service {
    let client: MQTTClient
    let bus: Bus
    let online: BridgeStatePayload
    let logger: Logger

    func run() async throws {
        client.start()
        bus.publishState(online, on: bus.topics.bridgeState)
        try? await gracefulShutdown()
        var offline = online
        offline.state = .offline
        bus.publishState(offline, on: bus.topics.bridgeState)
        await client.stop(flushTimeout: .seconds(3))
        logger.info("disconnected from the broker")
    }
}
