import Foundation

extension AgentDesk {
    /// The durable state: every agent's state and the live calls.
    public func snapshot() -> DeskSnapshot {
        DeskSnapshot(agents: states.byID, calls: book.all)
    }

    /// Restores a stored snapshot, fitted to the current configuration: unknown agents, queues, presences and
    /// phones are dropped, new member queues start enabled. Deadlines are absolute, so a wrap resumes with the
    /// time that remains and `tick(now:)` ends one that ran out while the bridge was down.
    public mutating func restore(_ snapshot: DeskSnapshot, now: Date) {
        for agent in agentOrder {
            guard let definition = definitions[agent], var state = snapshot.agents[agent] else { continue }
            var toggles: [String: Bool] = [:]
            for queue in definition.queues { toggles[queue] = state.queues[queue] ?? true }
            state.queues = toggles
            if presences[state.presence] == nil {
                state.presence = defaultPresence.id
                state.presenceMessage = nil
            }
            if state.history.count > Self.historyLimit { state.history.removeFirst(state.history.count - Self.historyLimit) }
            states[agent] = state
        }
        book = CallBook()
        for var live in snapshot.calls {
            guard let definition = definitions[live.call.agent] else { continue }
            live.legs.removeAll { !definition.phones.contains($0.phone) || phoneOwner[$0.phone] != definition.id }
            guard !live.legs.isEmpty, book[live.call.id] == nil else { continue }
            live.deriveStateFromLegs()
            book.store(live)
        }
        // The ACD and the calls must agree: busy only while on a call.
        for agent in agentOrder {
            if isOnCall(agent) {
                states[agent]?.acd.callConnected(now: now)
            } else if case .busy = states[agent]?.acd.state {
                _ = states[agent]?.acd.callEnded(wrap: nil, stillOnCall: false, now: now)
            }
        }
    }
}

extension AgentDesk {
    /// One agent's durable state, for writing just what changed.
    public func agentState(_ id: String) -> AgentState? {
        states[id]
    }
}
