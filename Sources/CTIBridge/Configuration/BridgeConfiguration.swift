import Foundation
import PhoneDrivers
import Presence

/// The whole of a validated `drivers.yaml`: every reference resolved, every secret read, every value in range.
struct BridgeConfiguration: Sendable {
    var bridge: BridgeSettings
    var mqtt: MQTTSettings
    var queues: [QueueConfiguration]
    var presences: [PresenceDefinition]
    var agents: [AgentConfiguration]
    var phones: [PhoneEntry]
    var contacts: ContactsSettings?

    /// The agent that owns a phone, if any. A linear search: for every phone at once, use `phoneOwners`.
    func agent(owningPhone phoneID: String) -> AgentConfiguration? {
        agents.first { $0.phones.contains(phoneID) }
    }

    /// Every owned phone's agent id, built in one pass (the first agent that lists a phone owns it).
    var phoneOwners: [String: String] {
        var owners: [String: String] = [:]
        for agent in agents {
            for phone in agent.phones where owners[phone] == nil { owners[phone] = agent.id }
        }
        return owners
    }
}

/// `bridge:`: this instance's identity, HTTP listener, API keys and durable state.
struct BridgeSettings: Sendable {
    var id: String
    var listenHost: String
    var listenPort: Int
    /// How phones reach the bridge; the base of every action URL.
    var publicURL: String
    var apiKeys: [APIKey]
    /// The SQLite file for durable state, resolved against the configuration file's folder.
    var statePath: String
    /// ISO 3166 alpha-2 country for normalising national numbers to E.164.
    var defaultCountry: String?
    /// How often phones are probed.
    var phoneHealth: HealthProbePolicy
    /// How often a phone that can list its calls is asked for them while it has a live call.
    var reconcileSeconds: Double = 5
}

/// A named Bearer key for the REST API. The key is a secret.
struct APIKey: Sendable, CustomStringConvertible {
    var name: String
    var key: String

    var description: String { "APIKey(\(name))" }
}

/// `mqtt:`: the broker connection.
struct MQTTSettings: Sendable, CustomStringConvertible {
    var url: String
    var clientID: String
    var username: String?
    var password: String?
    var topicPrefix: String
    var caFile: String?
    var keepAliveSeconds: Int

    var description: String { "MQTTSettings(\(url), clientId: \(clientID), user: \(username ?? "none"))" }
}

/// One ACD queue.
struct QueueConfiguration: Sendable, Equatable {
    var id: String
    var name: String
    var wrapSeconds: Int
    /// Numbers that identify a call as this queue's (as the caller dialled them).
    var numbers: [String]
}

/// One agent and her devices.
struct AgentConfiguration: Sendable, Equatable, CustomStringConvertible {
    var id: String
    var name: String
    var extensionNumber: String?
    var queues: [String]
    var phones: [String]
    var mode: AgentMode
    /// The secret of her click-to-dial links; it can only make her phone dial.
    var clickToDialToken: String? = nil

    var description: String { "Agent(\(id))" }
}

/// One phone: what its driver needs, plus what the bridge's event ingress checks.
struct PhoneEntry: Sendable, CustomStringConvertible {
    var configuration: PhoneConfiguration
    /// The secret in the phone's action URLs; `nil` until generated and stored at start.
    var eventToken: String?
    /// Source addresses (or CIDR ranges) the phone's events may come from; empty means any.
    var allowFrom: [AddressRange]

    var id: String { configuration.id }
    var driver: String { configuration.driver }
    var description: String { "PhoneEntry(\(id), driver: \(driver))" }
}

/// `contacts:`: external contacts.
struct ContactsSettings: Sendable {
    /// CSV or vCard file, resolved against the configuration file's folder.
    var file: String
}
