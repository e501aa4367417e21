/// The durable state of the whole desk: every agent's state and the live calls, to store and restore.
public struct DeskSnapshot: Sendable, Equatable, Codable {
    /// The format version this code writes.
    public static let currentVersion = 1

    /// The format version of this snapshot.
    public var version: Int
    /// Per agent id.
    public var agents: [String: AgentState]
    /// The calls that were live, with their legs.
    public var calls: [LiveCall]

    /// Creates a snapshot.
    public init(version: Int = DeskSnapshot.currentVersion, agents: [String: AgentState], calls: [LiveCall]) {
        self.version = version
        self.agents = agents
        self.calls = calls
    }
}
