import Foundation

/// The published objects before an input, to tell afterwards which ones changed.
struct ChangeBaseline {
    var agents: [String: AgentSnapshot]
    var queues: [String: QueueSnapshot]
}

extension AgentDesk {
    /// Records the objects an input may change: these agents, and every queue.
    func baseline(for agents: some Sequence<String>) -> ChangeBaseline {
        var snapshots: [String: AgentSnapshot] = [:]
        for agent in agents { snapshots[agent] = agentObject(agent) }
        var queues: [String: QueueSnapshot] = [:]
        for queue in queueObjects { queues[queue.id] = queue }
        return ChangeBaseline(agents: snapshots, queues: queues)
    }

    /// One `agentChanged` per agent whose object changed (stamping `updatedAt`), then one `queueChanged` per
    /// changed queue.
    mutating func changes(since baseline: ChangeBaseline, now: Date) -> [DeskEffect] {
        var effects: [DeskEffect] = []
        for agent in agentOrder {
            guard let before = baseline.agents[agent] else { continue }
            if agentObject(agent) != before {
                states[agent]?.updatedAt = now
                effects.append(.agentChanged(agent))
            }
        }
        for queue in queueObjects where baseline.queues[queue.id] != queue {
            effects.append(.queueChanged(queue.id))
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
