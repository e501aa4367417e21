/// The contract's queue object (`P/queues/{id}`): member agents per ACD state and live calls from the queue.
public struct QueueSnapshot: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// Every member agent, counted in exactly one of the five states.
    public var agents: AgentCounts
    /// Live calls tagged with this queue.
    public var activeCalls: Int
}

/// Member agents per ACD state.
public struct AgentCounts: Sendable, Equatable, Codable {
    public var ready = 0
    public var away = 0
    public var wrap = 0
    public var busy = 0
    public var loggedOut = 0

    /// All counted agents.
    public var total: Int { ready + away + wrap + busy + loggedOut }

    mutating func add(_ kind: ACDStateKind) { self[kind] += 1 }

    mutating func remove(_ kind: ACDStateKind) { self[kind] -= 1 }

    private subscript(kind: ACDStateKind) -> Int {
        get {
            switch kind {
            case .ready: ready
            case .away: away
            case .wrap: wrap
            case .busy: busy
            case .loggedOut: loggedOut
            }
        }
        set {
            switch kind {
            case .ready: ready = newValue
            case .away: away = newValue
            case .wrap: wrap = newValue
            case .busy: busy = newValue
            case .loggedOut: loggedOut = newValue
            }
        }
    }
}
