import Foundation

/// The published objects an input may change, as they were before it, to tell afterwards which ones changed.
struct ChangeBaseline {
    /// The agents the input may change, in configuration order, with their objects before it.
    var agents: [(id: String, object: AgentSnapshot)]
    /// Every queue's counts before the input (cheap: a queue object is two counters, read from the tallies).
    var queueCounts: [String: AgentCounts]
    var activeCalls: [String: Int]
}

extension AgentDesk {
    /// Records the objects an input may change: these agents, and every queue.
    ///
    /// Only the named agents are looked at, so an input costs what it touches, not what the site has.
    func baseline(for agents: some Sequence<String>) -> ChangeBaseline {
        var seen: Set<String> = []
        var ordered: [(index: Int, id: String)] = []
        for agent in agents where seen.insert(agent).inserted {
            if let index = agentIndex[agent] { ordered.append((index, agent)) }
        }
        ordered.sort { $0.index < $1.index }
        return ChangeBaseline(
            agents: ordered.compactMap { entry in agentObject(entry.id).map { (entry.id, $0) } },
            queueCounts: states.counts, activeCalls: book.activeCallsByQueue)
    }

    /// One `agentChanged` per agent whose object changed (stamping `updatedAt`), then one `queueChanged` per
    /// changed queue.
    mutating func changes(since baseline: ChangeBaseline, now: Date) -> [DeskEffect] {
        var effects: [DeskEffect] = []
        for (agent, before) in baseline.agents where agentObject(agent) != before {
            states[agent]?.updatedAt = now
            effects.append(.agentChanged(agent))
        }
        for queue in configuration.queues {
            let id = queue.id
            if states.counts[id] != baseline.queueCounts[id]
                || book.activeCallsByQueue[id] ?? 0 != baseline.activeCalls[id] ?? 0
            {
                effects.append(.queueChanged(id))
            }
        }
        return effects
    }

    /// Turns the ACD machine's events into notifications for the agent.
    func notifications(for events: [ACDEvent], agent: String, now: Date) -> [DeskEffect] {
        events.map { event in
            switch event {
            case .wrapStarted(let period):
                .notify(agent: agent, AgentNotification(type: .wrapStarted, at: now, queue: period.queue, wrapEndsAt: period.endsAt))
            case .wrapEnded(let queue):
                .notify(agent: agent, AgentNotification(type: .wrapEnded, at: now, queue: queue))
            }
        }
    }
}
