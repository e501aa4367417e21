import CallModel
import Foundation

extension AgentDesk {
    /// The contract's agent object, or `nil` for an unknown agent.
    public func agentObject(_ id: String) -> AgentSnapshot? {
        guard let definition = definitions[id], let state = states[id] else { return nil }
        let calls = book.calls(ofAgent: id).map(\.call)
        let onCall = calls.contains { $0.isActive }
        let presence = presence(of: state)
        return AgentSnapshot(
            id: id, name: definition.name, extensionNumber: definition.extensionNumber, mode: state.mode,
            presence: PresenceSnapshot(definition: presence, message: state.presenceMessage),
            status: AgentStatus.derive(
                dnd: state.dnd, acd: state.acd.state.kind, onCall: onCall, availability: presence.availability),
            onCall: onCall, dnd: state.dnd, forwardTo: state.forwardTo,
            acd: ACDSnapshot(
                state: state.acd.state.kind, since: state.acd.since, wrapEndsAt: state.acd.state.wrapPeriod?.endsAt,
                queues: state.queues),
            phones: definition.phones, calls: calls, updatedAt: state.updatedAt)
    }

    /// Every agent object, in configuration order.
    public var agentObjects: [AgentSnapshot] { agentOrder.compactMap(agentObject) }

    /// The contract's queue object, or `nil` for an unknown queue.
    public func queueObject(_ id: String) -> QueueSnapshot? {
        guard let queue = queues[id] else { return nil }
        return QueueSnapshot(
            id: id, name: queue.name, agents: states.counts[id] ?? AgentCounts(),
            activeCalls: book.activeCallsByQueue[id] ?? 0)
    }

    /// Every queue object, in configuration order.
    public var queueObjects: [QueueSnapshot] { queueIDs.compactMap(queueObject) }

    /// The live call objects, oldest first.
    public var liveCalls: [AgentCall] { book.all.map(\.call) }

    /// A live call with its legs, so that the bridge can target the right phone and vendor call.
    public func liveCall(_ id: String) -> LiveCall? { book[id] }

    /// The live call a phone's vendor call belongs to.
    public func callID(phone: String, vendorCall: PhoneCallID) -> String? {
        book.callID(phone: phone, vendorCall: vendorCall)
    }

    /// An agent's ended calls, newest first; only missed ones when `missedOnly`. `nil` for an unknown agent.
    public func history(agent: String, missedOnly: Bool = false, limit: Int = AgentDesk.historyLimit) -> [HistoryEntry]? {
        guard let state = states[agent] else { return nil }
        return Array(state.history.reversed().lazy.filter { !missedOnly || $0.missed }.prefix(max(0, limit)))
    }

    /// Internal (agents, with status and presence) then external contacts matching a name or number.
    ///
    /// Names match as a case- and accent-insensitive substring (`jose` finds `José`); a query made of digits and
    /// number formatting matches numbers by digits, also in normalised form. An empty query lists everyone.
    public func searchContacts(_ query: String, limit: Int = 100) -> [Contact] {
        let search = ContactSearch(query, normalizer: normalizer)
        var found: [Contact] = []
        for agent in agentOrder {
            guard let contact = internalContact(agent) else { continue }
            let numbers = contact.numbers.map(ContactSearch.digits)
            if search.matches(foldedName: ContactSearch.fold(contact.name + " " + agent), numberDigits: numbers) {
                found.append(contact)
            }
        }
        found += directory.search(search)
        return Array(found.prefix(max(0, limit)))
    }

    /// A contact by id: an agent id, or an external contact's stable id.
    public func contact(id: String) -> Contact? {
        internalContact(id) ?? directory.contact(id: id)
    }

    /// An agent's favorite contacts that still exist, in the order she added them; `nil` for an unknown agent.
    public func favorites(agent: String) -> [Contact]? {
        guard let state = states[agent] else { return nil }
        return state.favorites.compactMap(contact(id:))
    }

    func internalContact(_ agent: String) -> Contact? {
        guard let definition = definitions[agent], let state = states[agent] else { return nil }
        let numbers = definition.extensionNumber.map { [normalizer.normalize($0) ?? $0] } ?? []
        return Contact(
            id: agent, kind: .internal, name: definition.name, numbers: numbers, status: status(of: agent),
            presence: PresenceSnapshot(definition: presence(of: state), message: state.presenceMessage))
    }

    /// When the bridge must call `tick(now:)` next: a wrap deadline or a ring timeout; `nil` when nothing waits.
    public var nextDeadline: Date? {
        var deadlines = states.nextWrapEnd.map { [$0] } ?? []
        for live in book.unordered {
            for leg in live.legs where leg.state == .alerting {
                if let seconds = configuration.maxRingSeconds[leg.phone], seconds > 0 {
                    deadlines.append(leg.lastNewsAt.addingTimeInterval(TimeInterval(seconds)))
                }
            }
        }
        return deadlines.min()
    }
}
