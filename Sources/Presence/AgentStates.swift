import Foundation

/// Every agent's state, keeping the queue counts and the set of agents in wrap up to date on each change.
///
/// Every write goes through the subscript, which sees the ACD state before and after; so a queue object is
/// read from its counts instead of recounting every member on every input, and the next wrap deadline is
/// looked for among the agents in wrap only.
struct AgentStates: Sendable {
    /// The states by agent id.
    private(set) var byID: [String: AgentState] = [:]
    /// Per agent, the configured queues she is a member of, each once (as the queue objects count her).
    private let memberQueues: [String: [String]]
    /// Member agents per ACD state, per configured queue.
    private(set) var counts: [String: AgentCounts]
    /// The agents whose ACD state is wrap (they have a deadline).
    private(set) var wrapping: Set<String> = []

    /// Starts with no states: every member counts as logged out until her state is set.
    init(agents: [AgentDefinition], queueIDs: Set<String>) {
        var members: [String: [String]] = [:]
        var counts: [String: AgentCounts] = [:]
        for id in queueIDs { counts[id] = AgentCounts() }
        for agent in agents where members[agent.id] == nil {
            var queues: [String] = []
            for queue in agent.queues where queueIDs.contains(queue) && !queues.contains(queue) {
                queues.append(queue)
                counts[queue]?.add(.loggedOut)
            }
            members[agent.id] = queues
        }
        memberQueues = members
        self.counts = counts
    }

    subscript(agent: String) -> AgentState? {
        get { byID[agent] }
        set {
            let before = byID[agent]?.acd.state.kind
            byID[agent] = newValue
            recount(agent, from: before)
        }
        // In place, so that appending to her history does not copy it.
        _modify {
            let before = byID[agent]?.acd.state.kind
            defer { recount(agent, from: before) }
            yield &byID[agent]
        }
    }

    /// The earliest end of a running wrap.
    var nextWrapEnd: Date? {
        wrapping.compactMap { byID[$0]?.acd.nextDeadline }.min()
    }

    /// The agents whose wrap has run out at `now`, in no particular order.
    // Here rather than as a closure over the subscript in `tick`: that closure crashed the Swift 6.3.1
    // optimizer (CopyPropagation, "Found outside of lifetime use") in release builds.
    func wrapsEnded(by now: Date) -> [String] {
        wrapping.filter { agent in
            guard let endsAt = byID[agent]?.acd.nextDeadline else { return false }
            return endsAt <= now
        }
    }

    private mutating func recount(_ agent: String, from before: ACDStateKind?) {
        let after = byID[agent]?.acd.state.kind
        guard after != before else { return }
        // An agent without a state is counted as logged out, as the queue objects always did.
        let old = before ?? .loggedOut
        let new = after ?? .loggedOut
        if old != new {
            for queue in memberQueues[agent] ?? [] {
                counts[queue]?.remove(old)
                counts[queue]?.add(new)
            }
        }
        if new == .wrap { wrapping.insert(agent) } else { wrapping.remove(agent) }
    }
}
