import CallModel
import Foundation

/// The contract's call object (`P/calls/{id}`): one call of one agent, across all her devices.
public struct AgentCall: Sendable, Equatable, Codable {
    /// The bridge's id for the call; topic-safe.
    public var id: String
    /// The agent whose call it is.
    public var agent: String
    /// The phone the call is on: where it was answered, or the first device it rang on.
    public var phone: String
    /// `inbound` or `outbound`.
    public var direction: CallDirection
    /// The CSTA connection state.
    public var state: ConnectionState
    /// The other party.
    public var remote: CallRemote
    /// The queue the call came from, if any.
    public var queue: String?
    /// How the call reached her (`Main IVR > Sales`), if an ACD said so.
    public var routePath: String?
    /// When the call started at her device.
    public var startedAt: Date
    /// When it was first connected, if ever.
    public var answeredAt: Date?
    /// When it ended, once ended.
    public var endedAt: Date?
    /// Why it ended, once ended.
    public var cause: ClearCause?

    /// Creates a call object.
    public init(
        id: String, agent: String, phone: String, direction: CallDirection, state: ConnectionState, remote: CallRemote,
        queue: String? = nil, routePath: String? = nil, startedAt: Date, answeredAt: Date? = nil, endedAt: Date? = nil,
        cause: ClearCause? = nil
    ) {
        self.id = id
        self.agent = agent
        self.phone = phone
        self.direction = direction
        self.state = state
        self.remote = remote
        self.queue = queue
        self.routePath = routePath
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.cause = cause
    }

    /// Whether she is talking on it or holding it (what makes her busy).
    public var isActive: Bool { state == .connected || state == .held }

    /// Writes absent values as null, as the contract shows them, rather than leaving the keys out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(agent, forKey: .agent)
        try container.encode(phone, forKey: .phone)
        try container.encode(direction, forKey: .direction)
        try container.encode(state, forKey: .state)
        try container.encode(remote, forKey: .remote)
        try container.encode(queue, forKey: .queue)
        try container.encode(routePath, forKey: .routePath)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(answeredAt, forKey: .answeredAt)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(cause, forKey: .cause)
    }
}

/// The other party of a call: a normalised number and the name the contacts give it.
public struct CallRemote: Sendable, Equatable, Codable {
    /// E.164 when the number can be normalised, else what the phone reported (an extension, a SIP user),
    /// or `anonymous` when it reported nothing.
    public var number: String
    /// The contact's name (internal contacts first), else the phone's display name, else null.
    public var name: String?

    /// Creates a remote party.
    public init(number: String, name: String? = nil) {
        self.number = number
        self.name = name
    }

    /// Writes absent values as null, as the contract shows them, rather than leaving the keys out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(name, forKey: .name)
    }
}
