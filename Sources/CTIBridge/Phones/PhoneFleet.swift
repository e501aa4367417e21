import CallModel
import Foundation
import Logging
import PhoneDrivers

/// Every configured phone, each behind its `PhoneSession`, with its status published on the bus.
struct PhoneFleet: Sendable, CustomStringConvertible {
    /// The sessions by phone id.
    let sessions: [String: PhoneSession]
    /// What the event ingress needs per phone.
    let ingressPhones: [String: PhoneEventIngress.Phone]

    init(
        configuration: BridgeConfiguration, tokens: [String: String], registry: PhoneDriverRegistry,
        events: PhoneEventSink, bus: Bus, policy: HealthProbePolicy, http: any PhoneHTTPTransport, logger: Logger,
        statusChanged: @escaping @Sendable (PhoneStatusChange) -> Void = { _ in }
    ) throws {
        var sessions: [String: PhoneSession] = [:]
        var ingressPhones: [String: PhoneEventIngress.Phone] = [:]
        let owners = configuration.phoneOwners
        for phone in configuration.phones {
            guard let descriptor = registry.descriptor(named: phone.driver) else { continue }
            var phoneLogger = logger
            phoneLogger[metadataKey: "phone.id"] = "\(phone.id)"
            let probe = ProbeRequester()
            let context = PhoneDriverContext(events: events, logger: phoneLogger, http: http, probe: probe)
            let driver = try descriptor.make(phone.configuration, context)
            let agentID = owners[phone.id]
            let topic = bus.topics.phone(phone.id)
            let driverName = phone.driver
            let capabilities = driver.capabilities
            let phoneID = phone.id
            let session = PhoneSession(
                id: phone.id, driverName: phone.driver, driver: driver, policy: policy, logger: phoneLogger,
                onStatusChange: { status in
                    statusChanged(PhoneStatusChange(phone: phoneID, online: status.online))
                    bus.publishState(
                        PhonePayload(
                            id: phoneID, driver: driverName, agent: agentID, capabilities: capabilities, status: status),
                        on: topic)
                })
            probe.connect { Task { await session.probeNow() } }
            sessions[phone.id] = session
            if let token = tokens[phone.id] {
                ingressPhones[phone.id] = PhoneEventIngress.Phone(
                    session: session, token: token, allowFrom: phone.allowFrom)
            }
        }
        self.sessions = sessions
        self.ingressPhones = ingressPhones
    }

    var description: String { "PhoneFleet(\(sessions.count) phones)" }
}
