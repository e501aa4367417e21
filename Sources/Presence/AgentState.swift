import Foundation

/// Everything about one agent that changes at run time and survives restarts.
public struct AgentState: Sendable, Equatable, Codable {
    /// The ACD session, including a wrap deadline and the state a call will return her to.
    public var acd: ACDStateMachine
    /// Whether she takes calls from each queue she is a member of.
    public var queues: [String: Bool]
    /// The picked presence id.
    public var presence: String
    /// Her status message, if any.
    public var presenceMessage: String?
    public var mode: AgentMode
    public var dnd: Bool
    public var forwardTo: String?
    /// Favorite contact ids, in the order she added them.
    public var favorites: [String]
    /// Her ended calls, oldest first, at most `AgentDesk.historyLimit`.
    public var history: [HistoryEntry]
    /// When her agent object last changed.
    public var updatedAt: Date

    /// Creates a state.
    public init(
        acd: ACDStateMachine, queues: [String: Bool], presence: String, presenceMessage: String? = nil,
        mode: AgentMode, dnd: Bool = false, forwardTo: String? = nil, favorites: [String] = [],
        history: [HistoryEntry] = [], updatedAt: Date
    ) {
        self.acd = acd
        self.queues = queues
        self.presence = presence
        self.presenceMessage = presenceMessage
        self.mode = mode
        self.dnd = dnd
        self.forwardTo = forwardTo
        self.favorites = favorites
        self.history = history
        self.updatedAt = updatedAt
    }
}
