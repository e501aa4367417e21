import CallModel
import Foundation

/// One ended call in an agent's history (`GET /api/v1/agents/{id}/history`).
public struct HistoryEntry: Sendable, Equatable, Codable {
    /// The bridge call id the call had while it lived.
    public var callId: String
    /// The agent.
    public var agent: String
    /// The phone the call was on (answered on, or first rang on).
    public var phone: String
    /// `inbound` or `outbound`.
    public var direction: CallDirection
    /// The other party.
    public var remote: CallRemote
    /// The queue, if it was a queue call.
    public var queue: String?
    /// The route path an ACD announced, if any.
    public var routePath: String?
    /// When the call started.
    public var startedAt: Date
    /// When it was answered, if ever.
    public var answeredAt: Date?
    /// When it ended.
    public var endedAt: Date
    /// Why it ended.
    public var cause: ClearCause
    /// Whether it was an inbound call nobody answered on any of her devices.
    public var missed: Bool

    /// Creates the entry for an ended call.
    public init(endedCall call: AgentCall, missed: Bool) {
        self.callId = call.id
        self.agent = call.agent
        self.phone = call.phone
        self.direction = call.direction
        self.remote = call.remote
        self.queue = call.queue
        self.routePath = call.routePath
        self.startedAt = call.startedAt
        self.answeredAt = call.answeredAt
        self.endedAt = call.endedAt ?? call.startedAt
        self.cause = call.cause ?? .normal
        self.missed = missed
    }

    /// Writes absent values as null, as the contract shows them, rather than leaving the keys out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(callId, forKey: .callId)
        try container.encode(agent, forKey: .agent)
        try container.encode(phone, forKey: .phone)
        try container.encode(direction, forKey: .direction)
        try container.encode(remote, forKey: .remote)
        try container.encode(queue, forKey: .queue)
        try container.encode(routePath, forKey: .routePath)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(answeredAt, forKey: .answeredAt)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(cause, forKey: .cause)
        try container.encode(missed, forKey: .missed)
    }
}
