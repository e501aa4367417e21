import CallModel

/// Turns Poly's per-call state reports into CSTA-style transitions, remembering what each call has announced.
///
/// Poly reports states, not transitions: `Connected` after `Hold` means retrieved, `Free` after `Offering`
/// without `Connected` means missed, and the same state may be reported twice. A call that only ever reached
/// `Dialtone` (off-hook, then on-hook) is never announced.
actor PolyCallTracker {
    private struct Call {
        var direction: CallDirection?
        var remote: CallParty
        var dialled: String?
        var announced = false
        var remoteAlerted = false
        var established = false
        var held = false
    }

    /// Calls remembered at most; the oldest is forgotten first, so hostile callbacks cannot grow memory.
    static let maximumCalls = 32

    private var calls: [String: Call] = [:]
    private var order: [String] = []

    /// The events one report causes, in order.
    func apply(_ report: PolyCallReport) -> [PhoneEvent.Kind] {
        let id = PhoneCallID(report.reference)
        guard report.state != .unknown else { return [] }
        guard report.state != .free else {
            guard let call = forget(report.reference), call.announced else { return [] }
            let missed = call.direction == .inbound && !call.established
            return [.connectionCleared(call: id, cause: missed ? .missed : .normal)]
        }
        var call = calls[report.reference] ?? Call(direction: nil, remote: CallParty(address: nil))
        call.direction = call.direction ?? report.direction ?? report.state.impliedDirection
        let reported = call.direction == .inbound ? report.calling : report.called
        if reported.address != nil || reported.displayName != nil { call.remote = reported }
        if call.direction == .inbound, let dialled = report.called.address { call.dialled = dialled }

        var events: [PhoneEvent.Kind] = []
        switch report.state {
        case .dialtone:
            break
        case .setup, .offering:
            announce(&call, id: id, into: &events)
        case .ringback:
            announce(&call, id: id, into: &events)
            if !call.remoteAlerted {
                call.remoteAlerted = true
                events.append(.remoteAlerting(call: id))
            }
        case .connected, .remoteHold:
            announce(&call, id: id, into: &events)
            if call.held {
                call.held = false
                events.append(.retrieved(call: id))
            } else {
                establish(&call, id: id, into: &events)
            }
        case .localHold:
            announce(&call, id: id, into: &events)
            establish(&call, id: id, into: &events)
            if !call.held {
                call.held = true
                events.append(.held(call: id))
            }
        case .free, .unknown:
            break
        }
        remember(report.reference, call)
        return events
    }

    private func announce(_ call: inout Call, id: PhoneCallID, into events: inout [PhoneEvent.Kind]) {
        guard !call.announced else { return }
        call.announced = true
        if call.direction == .inbound {
            events.append(.delivered(call: id, remote: call.remote, dialled: call.dialled))
        } else {
            events.append(.serviceInitiated(call: id, remote: call.remote))
        }
    }

    private func establish(_ call: inout Call, id: PhoneCallID, into events: inout [PhoneEvent.Kind]) {
        guard !call.established else { return }
        call.established = true
        let known = call.remote.address != nil || call.remote.displayName != nil
        events.append(.established(call: id, remote: known ? call.remote : nil))
    }

    private func remember(_ reference: String, _ call: Call) {
        if calls.updateValue(call, forKey: reference) == nil {
            order.append(reference)
            if order.count > Self.maximumCalls { calls[order.removeFirst()] = nil }
        }
    }

    private func forget(_ reference: String) -> Call? {
        order.removeAll { $0 == reference }
        return calls.removeValue(forKey: reference)
    }
}
