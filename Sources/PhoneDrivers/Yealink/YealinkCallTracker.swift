import CallModel

/// The calls a Yealink phone has, as its Action URL events told them, so untargeted commands can still name
/// the call (`ASW:<call_id>` acts on exactly that call; `OK` acts on whatever the screen shows).
///
/// The phone cannot be asked for its calls, so this view is only as good as the events; it is a hint for
/// choosing a target, never a reason to refuse a command the phone might still accept.
actor YealinkCallTracker {
    private var states: [PhoneCallID: ConnectionState] = [:]
    private var order: [PhoneCallID] = []
    private var transferTargets: [PhoneCallID: String] = [:]

    /// Records an event and returns it, with the transfer target filled in when the bridge asked for it.
    func apply(_ kind: PhoneEvent.Kind) -> PhoneEvent.Kind {
        switch kind {
        case .delivered(let call, _, _): set(call, .alerting)
        case .serviceInitiated(let call, _): set(call, .initiated)
        case .remoteAlerting(let call): set(call, .initiated)
        case .established(let call, _), .retrieved(let call): set(call, .connected)
        case .held(let call): set(call, .held)
        case .connectionCleared(let call, _), .diverted(let call, _): remove(call)
        case .transferred(let call, let target):
            let known = transferTargets[call]
            remove(call)
            return .transferred(call: call, target: target ?? known)
        case .rebooted, .idle:
            states.removeAll()
            order.removeAll()
            transferTargets.removeAll()
        case .doNotDisturb, .forwarding:
            break
        }
        return kind
    }

    /// The newest call in the first of `preferred` states that has one.
    func newest(in preferred: [ConnectionState]) -> PhoneCallID? {
        for state in preferred {
            if let call = order.last(where: { states[$0] == state }) { return call }
        }
        return nil
    }

    /// Remembers where the bridge asked `call` to be transferred, for the `transfer_finished` event.
    func noteTransfer(of call: PhoneCallID, to target: String) {
        transferTargets[call] = target
    }

    private func set(_ call: PhoneCallID, _ state: ConnectionState) {
        if states[call] == nil { order.append(call) }
        states[call] = state
    }

    private func remove(_ call: PhoneCallID) {
        states[call] = nil
        transferTargets[call] = nil
        order.removeAll { $0 == call }
    }
}
