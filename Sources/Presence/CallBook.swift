import CallModel

/// The live calls, indexed by bridge call id, by (phone, vendor call id), by agent and by phone, with the live
/// calls per queue counted as calls come and go.
///
/// Every phone event looks up the calls of one agent or one phone, and every queue object needs its live call
/// count; the indexes make those lookups cost what that agent or phone has, not what the whole site has.
struct CallBook: Sendable {
    struct LegKey: Hashable, Sendable {
        var phone: String
        var vendorCall: PhoneCallID
    }

    /// A call with its start sequence number, so that lists come out in the order the calls started.
    private struct Entry: Sendable {
        var live: LiveCall
        var sequence: UInt64
    }

    private var entries: [String: Entry] = [:]
    private var legIndex: [LegKey: String] = [:]
    /// Per agent, her call ids in start order (an agent has a handful, so arrays are the cheapest index).
    private var byAgent: [String: [String]] = [:]
    /// Per phone, the ids of the calls with a leg on it, in start order.
    private var byPhone: [String: [String]] = [:]
    /// Live calls tagged with each queue.
    private(set) var activeCallsByQueue: [String: Int] = [:]
    private var nextSequence: UInt64 = 0

    /// The number of live calls.
    var count: Int { entries.count }

    /// The live calls in the order they started.
    var all: [LiveCall] {
        entries.values.sorted { $0.sequence < $1.sequence }.map(\.live)
    }

    /// The live calls in no particular order, for questions whose answer does not depend on it.
    var unordered: some Sequence<LiveCall> { entries.values.lazy.map(\.live) }

    func callID(phone: String, vendorCall: PhoneCallID) -> String? {
        legIndex[LegKey(phone: phone, vendorCall: vendorCall)]
    }

    /// An agent's live calls in start order.
    func calls(ofAgent agent: String) -> [LiveCall] {
        (byAgent[agent] ?? []).compactMap { entries[$0]?.live }
    }

    /// Whether the agent is on a connected or held call (what makes her busy).
    func hasActiveCall(agent: String) -> Bool {
        byAgent[agent]?.contains { entries[$0]?.live.call.isActive == true } ?? false
    }

    /// The live calls with a leg on `phone`, in start order.
    func calls(onPhone phone: String) -> [LiveCall] {
        (byPhone[phone] ?? []).compactMap { entries[$0]?.live }
    }

    subscript(id: String) -> LiveCall? { entries[id]?.live }

    /// Inserts or replaces a call and re-indexes it.
    mutating func store(_ live: LiveCall) {
        let id = live.call.id
        let sequence: UInt64
        if let old = entries[id] {
            sequence = old.sequence
            unindex(old.live, id: id)
        } else {
            sequence = nextSequence
            nextSequence += 1
        }
        entries[id] = Entry(live: live, sequence: sequence)
        index(live, id: id, sequence: sequence)
    }

    mutating func remove(_ id: String) {
        guard let old = entries.removeValue(forKey: id) else { return }
        unindex(old.live, id: id)
    }

    private mutating func index(_ live: LiveCall, id: String, sequence: UInt64) {
        for leg in live.legs { legIndex[LegKey(phone: leg.phone, vendorCall: leg.vendorCall)] = id }
        byAgent[live.call.agent] = inserting(id, sequence: sequence, into: byAgent[live.call.agent])
        for phone in Self.phones(of: live) { byPhone[phone] = inserting(id, sequence: sequence, into: byPhone[phone]) }
        if let queue = live.call.queue { activeCallsByQueue[queue, default: 0] += 1 }
    }

    private mutating func unindex(_ live: LiveCall, id: String) {
        for leg in live.legs { legIndex[LegKey(phone: leg.phone, vendorCall: leg.vendorCall)] = nil }
        Self.remove(id, from: &byAgent, key: live.call.agent)
        for phone in Self.phones(of: live) { Self.remove(id, from: &byPhone, key: phone) }
        if let queue = live.call.queue {
            activeCallsByQueue[queue, default: 0] -= 1
            if activeCallsByQueue[queue] == 0 { activeCallsByQueue[queue] = nil }
        }
    }

    /// The distinct phones a call has legs on.
    private static func phones(of live: LiveCall) -> [String] {
        var phones: [String] = []
        for leg in live.legs where !phones.contains(leg.phone) { phones.append(leg.phone) }
        return phones
    }

    /// `ids` with `id` inserted in start order; a re-stored call is usually the newest, so the scan is short.
    private func inserting(_ id: String, sequence: UInt64, into list: [String]?) -> [String] {
        var ids = list ?? []
        var position = ids.endIndex
        while position > ids.startIndex, let previous = entries[ids[position - 1]], previous.sequence > sequence {
            position -= 1
        }
        ids.insert(id, at: position)
        return ids
    }

    private static func remove(_ id: String, from index: inout [String: [String]], key: String) {
        guard var ids = index.removeValue(forKey: key) else { return }
        ids.removeAll { $0 == id }
        if !ids.isEmpty { index[key] = ids }
    }
}
