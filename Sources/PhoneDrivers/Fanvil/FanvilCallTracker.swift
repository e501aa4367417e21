import CallModel
import Foundation

/// The calls a Fanvil phone has, from its events; synthesises a stable call id (line + start time) when the
/// firmware sends none, and resolves later events without an id to the current call.
actor FanvilCallTracker {
    private var states: [PhoneCallID: ConnectionState] = [:]
    private var order: [PhoneCallID] = []

    /// The call a call-start event is about: the phone's id, or `fanvil-<line>-<start ms>` when it sent none.
    func start(_ call: PhoneCallID?, line: String, at date: Date, inbound: Bool) -> PhoneCallID {
        var id = call ?? PhoneCallID("fanvil-\(line)-\(Int64(date.timeIntervalSince1970 * 1000))")
        // Two calls starting within the same millisecond on one line still get distinct ids.
        while call == nil, states[id] != nil { id = PhoneCallID(id.rawValue + "x") }
        if states[id] == nil { order.append(id) }
        states[id] = inbound ? .alerting : .initiated
        return id
    }

    /// The call a later event is about: the phone's id, or the newest live call when it sent none.
    func resolve(_ call: PhoneCallID?) -> PhoneCallID? {
        call ?? order.last
    }

    /// Records what an event did.
    func apply(_ kind: PhoneEvent.Kind) {
        switch kind {
        case .established(let call, _), .retrieved(let call): set(call, .connected)
        case .held(let call): set(call, .held)
        case .connectionCleared(let call, _), .transferred(let call, _), .diverted(let call, _): remove(call)
        case .rebooted, .idle:
            states.removeAll()
            order.removeAll()
        default: break
        }
    }

    /// The newest call in the first of `preferred` states that has one.
    func newest(in preferred: [ConnectionState]) -> PhoneCallID? {
        for state in preferred {
            if let call = order.last(where: { states[$0] == state }) { return call }
        }
        return nil
    }

    private func set(_ call: PhoneCallID, _ state: ConnectionState) {
        if states[call] == nil { order.append(call) }
        states[call] = state
    }

    private func remove(_ call: PhoneCallID) {
        states[call] = nil
        order.removeAll { $0 == call }
    }
}
