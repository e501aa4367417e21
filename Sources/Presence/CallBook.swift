import CallModel

/// The live calls, indexed by bridge call id and by (phone, vendor call id).
struct CallBook: Sendable, Equatable {
    struct LegKey: Hashable, Sendable {
        var phone: String
        var vendorCall: PhoneCallID
    }

    private(set) var calls: [String: LiveCall] = [:]
    private var legIndex: [LegKey: String] = [:]
    /// Call ids in the order the calls started, so that lists are stable.
    private var order: [String] = []

    /// The live calls in the order they started.
    var all: [LiveCall] { order.compactMap { calls[$0] } }

    func callID(phone: String, vendorCall: PhoneCallID) -> String? {
        legIndex[LegKey(phone: phone, vendorCall: vendorCall)]
    }

    func calls(ofAgent agent: String) -> [LiveCall] {
        all.filter { $0.call.agent == agent }
    }

    subscript(id: String) -> LiveCall? { calls[id] }

    /// Inserts or replaces a call and re-indexes its legs.
    mutating func store(_ live: LiveCall) {
        let id = live.call.id
        if let old = calls[id] {
            for leg in old.legs { legIndex[LegKey(phone: leg.phone, vendorCall: leg.vendorCall)] = nil }
        } else {
            order.append(id)
        }
        calls[id] = live
        for leg in live.legs { legIndex[LegKey(phone: leg.phone, vendorCall: leg.vendorCall)] = id }
    }

    mutating func remove(_ id: String) {
        guard let old = calls.removeValue(forKey: id) else { return }
        for leg in old.legs { legIndex[LegKey(phone: leg.phone, vendorCall: leg.vendorCall)] = nil }
        order.removeAll { $0 == id }
    }
}
