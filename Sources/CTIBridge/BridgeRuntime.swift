import CallModel
import Foundation
import Hummingbird
import Logging
import MQTTClient
import PhoneDrivers
import Presence
import Prometheus
import ServiceLifecycle

/// One running bridge, built from a validated configuration: the broker connection, the phones, the HTTP
/// server, and the order in which they start and stop.
struct BridgeRuntime: Sendable {
    let configuration: BridgeConfiguration
    let client: MQTTClient
    let bus: Bus
    let fleet: PhoneFleet
    let coordinator: AgentCoordinator
    /// Every HTTP route as `METHOD /path`, for checking the OpenAPI document against what is served.
    let routes: [String]
    let services: [any Service]
    let startedAt: Date

    /// Wires everything; does no I/O beyond reading and creating the event-token file.
    static func make(
        configuration: BridgeConfiguration, registry: PhoneDriverRegistry = .standard,
        prometheus: PrometheusCollectorRegistry? = nil,
        logger: Logger, onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> BridgeRuntime {
        let startedAt = Date()
        let topics = Topics(prefix: configuration.mqtt.topicPrefix)
        let online = BridgeStatePayload(
            state: .online, id: configuration.bridge.id, version: CTIBridgeVersion.current, startedAt: startedAt)
        var offline = online
        offline.state = .offline

        let client = try MQTTClient(
            configuration: try MQTTSettings.clientConfiguration(
                configuration.mqtt,
                will: MQTTWill(topic: topics.bridgeState, payload: JSONCoding.encode(offline), qos: .atLeastOnce, retain: true)),
            logger: logger)
        let bus = Bus(client: client, topics: topics)
        let httpClient = PhoneHTTPClient(logger: logger)

        let tokens = try EventTokenStore(statePath: configuration.bridge.statePath).resolve(phones: configuration.phones)
        let store = try StateStore(path: configuration.bridge.statePath)
        let contacts = try configuration.contacts.map { try ContactFileParser.parse(String(contentsOfFile: $0.file, encoding: .utf8)) } ?? []

        // Phones report from many tasks; the streams put their events in one order for the desk.
        let eventInputs = InputBatches<PhoneEvent>(linger: .milliseconds(1))
        let (statusStream, statusContinuation) = AsyncStream<PhoneStatusChange>.makeStream()
        let eventLogger = logger
        let events = PhoneEventSink { event in
            eventLogger.debug("phone event", metadata: ["phone.id": "\(event.phoneID)", "event": "\(event.kind)"])
            eventInputs.yield(event)
        }
        let fleet = try PhoneFleet(
            configuration: configuration, tokens: tokens, registry: registry, events: events, bus: bus,
            policy: configuration.bridge.phoneHealth, http: httpClient, logger: logger,
            statusChanged: { statusContinuation.yield($0) })
        let coordinator = AgentCoordinator(
            configuration: configuration, contacts: contacts, store: store, bus: bus, phones: fleet.sessions,
            logger: logger)
        let reconciler = CallReconciler(
            coordinator: coordinator, phones: fleet.sessions,
            interval: .milliseconds(Int64(configuration.bridge.reconcileSeconds * 1000)), logger: logger)
        let dispatcher = CommandDispatcher(
            configuration: configuration, coordinator: coordinator, reconciler: reconciler, phones: fleet.sessions,
            logger: logger)
        let ingress = PhoneEventIngress(phones: fleet.ingressPhones, logger: logger)
        let sessions = fleet.sessions
        let owners = configuration.phoneOwners
        let api = APIRoutes(
            coordinator: coordinator, dispatcher: dispatcher, reconciler: reconciler, fleet: fleet,
            phonePayloads: {
                var payloads: [PhonePayload] = []
                for id in sessions.keys.sorted() {
                    guard let session = sessions[id] else { continue }
                    payloads.append(
                        PhonePayload(
                            id: id, driver: session.driverName, agent: owners[id], capabilities: session.capabilities,
                            status: await session.currentStatus))
                }
                return payloads
            },
            clickToDialTokens: configuration.agents.reduce(into: [:]) { tokens, agent in
                if let token = agent.clickToDialToken { tokens[agent.id] = token }
            })
        let router = HTTPServer.makeRouter(
            ingress: ingress, api: api, apiKeys: configuration.bridge.apiKeys, mqtt: client, prometheus: prometheus)
        let http = HTTPServer.makeApplication(
            host: configuration.bridge.listenHost, port: configuration.bridge.listenPort, router: router, logger: logger,
            onServerRunning: onHTTPRunning)

        return BridgeRuntime(
            configuration: configuration, client: client, bus: bus, fleet: fleet, coordinator: coordinator,
            routes: router.routes.map { "\($0.method) \($0.path)" },
            services: [
                BusService(client: client, bus: bus, online: online, logger: logger),
                AgentService(
                    coordinator: coordinator, reconciler: reconciler, events: eventInputs, statuses: statusStream, client: client, topics: topics,
                    logger: logger),
                CommandService(dispatcher: dispatcher, client: client, bus: bus, logger: logger),
                PhoneFleetService(fleet: fleet),
                http,
            ],
            startedAt: startedAt)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down in reverse order: HTTP, phones, and the bus last.
    func run(logger: Logger) async throws {
        var groupConfiguration = ServiceGroupConfiguration(
            // Named explicitly: the default name is the service's full description, which would log secrets.
            services: services.map { .init(service: $0, serviceName: String(describing: type(of: $0))) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        try await ServiceGroup(configuration: groupConfiguration).run()
    }
}

extension MQTTSettings {
    /// The MQTT client's configuration for these settings.
    static func clientConfiguration(_ settings: MQTTSettings, will: MQTTWill) throws -> MQTTConfiguration {
        MQTTConfiguration(
            url: try MQTTBrokerURL(parsing: settings.url), clientId: settings.clientID, username: settings.username,
            password: settings.password, caFile: settings.caFile, will: will,
            keepAlive: .seconds(settings.keepAliveSeconds), offlineBufferCapacity: 10_000)
    }
}
