import Foundation

/// The contract's agent object (`P/agents/{id}`, `GET /api/v1/agents/{id}`).
public struct AgentSnapshot: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// Her extension (`extension` in JSON), or null.
    public var extensionNumber: String?
    public var mode: AgentMode
    public var presence: PresenceSnapshot
    /// What other users see; see `AgentStatus.derive`.
    public var status: AgentStatus
    /// Whether she is on a connected or held call on any device.
    public var onCall: Bool
    public var dnd: Bool
    public var forwardTo: String?
    public var acd: ACDSnapshot
    public var phones: [String]
    /// Her live calls (call objects), oldest first.
    public var calls: [AgentCall]
    /// When anything in this object last changed.
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, extensionNumber = "extension", mode, presence, status, onCall, dnd, forwardTo, acd, phones,
            calls, updatedAt
    }

    /// Writes absent values as null, as the contract shows them, rather than leaving the keys out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(extensionNumber, forKey: .extensionNumber)
        try container.encode(mode, forKey: .mode)
        try container.encode(presence, forKey: .presence)
        try container.encode(status, forKey: .status)
        try container.encode(onCall, forKey: .onCall)
        try container.encode(dnd, forKey: .dnd)
        try container.encode(forwardTo, forKey: .forwardTo)
        try container.encode(acd, forKey: .acd)
        try container.encode(phones, forKey: .phones)
        try container.encode(calls, forKey: .calls)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// The agent object's `presence`: the picked presence and her message.
public struct PresenceSnapshot: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var availability: Availability
    public var message: String?

    /// Creates a presence object.
    public init(definition: PresenceDefinition, message: String?) {
        self.id = definition.id
        self.name = definition.name
        self.availability = definition.availability
        self.message = message
    }

    /// Writes absent values as null, as the contract shows them, rather than leaving the keys out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(availability, forKey: .availability)
        try container.encode(message, forKey: .message)
    }
}

/// The agent object's `acd`: state, since when, wrap deadline and queue toggles.
public struct ACDSnapshot: Sendable, Equatable, Codable {
    public var state: ACDStateKind
    public var since: Date
    public var wrapEndsAt: Date?
    /// Every queue she is a member of, and whether she takes calls from it.
    public var queues: [String: Bool]

    /// Writes absent values as null, as the contract shows them, rather than leaving the keys out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(since, forKey: .since)
        try container.encode(wrapEndsAt, forKey: .wrapEndsAt)
        try container.encode(queues, forKey: .queues)
    }
}
