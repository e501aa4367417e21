import Foundation

/// An external ACD's announcement (`P/acd/offers`) that a queue call is about to ring on an agent's phones.
public struct ACDOffer: Sendable, Equatable, Codable {
    /// The agent whose phones will ring.
    public var agent: String
    /// The queue the call comes from.
    public var queue: String
    /// The caller's number, in any formatting; `nil` matches the next call from any number.
    public var remote: String?
    /// How the call got here (`Main IVR > Sales`).
    public var routePath: String?
    /// After this the offer no longer matches (capped at `AgentDesk.maximumOfferLifetime` from arrival).
    public var expiresAt: Date

    /// Creates an offer.
    public init(agent: String, queue: String, remote: String?, routePath: String?, expiresAt: Date) {
        self.agent = agent
        self.queue = queue
        self.remote = remote
        self.routePath = routePath
        self.expiresAt = expiresAt
    }
}
