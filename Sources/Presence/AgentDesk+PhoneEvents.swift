import CallModel
import Foundation

/// Why a leg stopped living on a device; decides whether an unanswered inbound call counts as missed.
enum LegEnding: Sendable {
    /// The phone reported the call cleared (or it rang out).
    case cleared
    /// The phone transferred the call away.
    case transferred
    /// The call was forwarded or deflected before it was answered.
    case diverted
    /// The phone went offline, rebooted, or no longer has the call: the bridge cannot know what happened.
    case phoneLost
}

extension AgentDesk {
    /// Applies one normalised phone event; events from phones no agent owns are ignored.
    public mutating func handle(_ event: PhoneEvent, now: Date) -> [DeskEffect] {
        guard let agent = phoneOwner[event.phoneID] else { return [] }
        let baseline = baseline(for: [agent])
        var effects: [DeskEffect] = []
        let phone = event.phoneID
        let at = event.at
        switch event.kind {
        case .delivered(let call, let remote, let dialled):
            effects += delivered(agent: agent, phone: phone, vendorCall: call, party: remote, dialled: dialled, at: at, now: now)
        case .serviceInitiated(let call, let remote):
            effects += originated(agent: agent, phone: phone, vendorCall: call, party: remote, at: at)
        case .remoteAlerting(let call):
            updateLeg(phone: phone, vendorCall: call, at: at) { _ in }
        case .established(let call, let remote):
            effects += established(agent: agent, phone: phone, vendorCall: call, party: remote, at: at)
        case .held(let call):
            effects += legStateChanged(phone: phone, vendorCall: call, to: .held, at: at)
        case .retrieved(let call):
            effects += legStateChanged(phone: phone, vendorCall: call, to: .connected, at: at)
        case .connectionCleared(let call, let cause):
            effects += endLeg(phone: phone, vendorCall: call, cause: cause, ending: .cleared, at: at, now: now)
        case .transferred(let call, _):
            effects += endLeg(phone: phone, vendorCall: call, cause: .normal, ending: .transferred, at: at, now: now)
        case .diverted(let call, _):
            effects += endLeg(phone: phone, vendorCall: call, cause: .normal, ending: .diverted, at: at, now: now)
        case .doNotDisturb(let on):
            states[agent]?.dnd = on
        case .forwarding(let target):
            states[agent]?.forwardTo = target.flatMap { raw in
                let user = ContactFileLimits.clean(CallParty(address: raw).userPart ?? raw)
                return user.isEmpty ? nil : (normalizer.normalize(user) ?? user)
            }
        case .rebooted:
            effects += endAllLegs(phone: phone, at: at, now: now)
        case .idle:
            // Not ended here: the call's own clearing callback may arrive just after (see `reconcile`).
            break
        }
        syncBusy(agent, now: now)
        return effects + changes(since: baseline, now: now)
    }

    private mutating func delivered(
        agent: String, phone: String, vendorCall: PhoneCallID, party: CallParty, dialled: String?, at: Date, now: Date
    ) -> [DeskEffect] {
        if book.callID(phone: phone, vendorCall: vendorCall) != nil {
            updateLeg(phone: phone, vendorCall: vendorCall, at: at) { _ in }
            return []
        }
        let remote = remote(for: party)
        let leg = CallLeg(phone: phone, vendorCall: vendorCall, state: .alerting, lastNewsAt: at)
        // The same ACD call ringing on another of her phones: one call with one more leg.
        if var same = book.calls(ofAgent: agent).first(where: { live in
            live.call.direction == .inbound && live.call.answeredAt == nil && live.call.state == .alerting
                && live.call.remote.number == remote.number && !live.legs.contains { $0.phone == phone }
                && abs(live.call.startedAt.timeIntervalSince(at)) <= Self.ringMergeWindow
        }) {
            same.legs.append(leg)
            book.store(same)
            return []
        }
        var call = AgentCall(
            id: newCallID(), agent: agent, phone: phone, direction: .inbound, state: .alerting, remote: remote,
            queue: queue(dialled: dialled), startedAt: at)
        if let offer = takeOffer(agent: agent, number: remote.number, now: now) {
            call.queue = offer.queue
            call.routePath = offer.routePath
        }
        book.store(LiveCall(call: call, legs: [leg]))
        return [.callChanged(call), .notify(agent: agent, AgentNotification(type: .callIncoming, at: at, call: call))]
    }

    private mutating func originated(
        agent: String, phone: String, vendorCall: PhoneCallID, party: CallParty, at: Date
    ) -> [DeskEffect] {
        guard book.callID(phone: phone, vendorCall: vendorCall) == nil else { return [] }
        let call = AgentCall(
            id: newCallID(), agent: agent, phone: phone, direction: .outbound, state: .initiated,
            remote: remote(for: party), startedAt: at)
        book.store(LiveCall(call: call, legs: [CallLeg(phone: phone, vendorCall: vendorCall, state: .initiated, lastNewsAt: at)]))
        return [.callChanged(call), .notify(agent: agent, AgentNotification(type: .callOutgoing, at: at, call: call))]
    }

    private mutating func established(
        agent: String, phone: String, vendorCall: PhoneCallID, party: CallParty?, at: Date
    ) -> [DeskEffect] {
        guard let id = book.callID(phone: phone, vendorCall: vendorCall), var live = book[id] else {
            // A call the bridge never saw start (it started before the bridge, or the start event was lost).
            var call = AgentCall(
                id: newCallID(), agent: agent, phone: phone, direction: .outbound, state: .connected,
                remote: remote(for: party), startedAt: at, answeredAt: at)
            call.state = .connected
            book.store(LiveCall(call: call, legs: [CallLeg(phone: phone, vendorCall: vendorCall, state: .connected, lastNewsAt: at)]))
            return [.callChanged(call), .notify(agent: agent, AgentNotification(type: .callConnected, at: at, call: call))]
        }
        let before = live.call
        guard let index = live.legs.firstIndex(where: { $0.phone == phone && $0.vendorCall == vendorCall }) else { return [] }
        live.legs[index].state = .connected
        live.legs[index].lastNewsAt = at
        if let party, live.call.remote.number == "anonymous" {
            let known = remote(for: party)
            if known.number != "anonymous" { live.call.remote = known }
        }
        var type: NotificationType?
        if live.call.answeredAt == nil {
            live.call.answeredAt = at
            type = .callConnected
        } else if before.state == .held {
            type = .callResumed
        }
        live.deriveStateFromLegs()
        book.store(live)
        var effects: [DeskEffect] = []
        if live.call != before { effects.append(.callChanged(live.call)) }
        if let type { effects.append(.notify(agent: agent, AgentNotification(type: type, at: at, call: live.call))) }
        return effects
    }

    private mutating func legStateChanged(
        phone: String, vendorCall: PhoneCallID, to state: ConnectionState, at: Date
    ) -> [DeskEffect] {
        guard let id = book.callID(phone: phone, vendorCall: vendorCall), var live = book[id],
            let index = live.legs.firstIndex(where: { $0.phone == phone && $0.vendorCall == vendorCall }),
            live.legs[index].state == .connected || live.legs[index].state == .held
        else { return [] }
        let before = live.call
        live.legs[index].state = state
        live.legs[index].lastNewsAt = at
        live.deriveStateFromLegs()
        book.store(live)
        guard live.call != before else { return [] }
        var effects: [DeskEffect] = [.callChanged(live.call)]
        if before.state != live.call.state {
            let type: NotificationType = live.call.state == .held ? .callHeld : .callResumed
            effects.append(.notify(agent: live.call.agent, AgentNotification(type: type, at: at, call: live.call)))
        }
        return effects
    }

    mutating func updateLeg(phone: String, vendorCall: PhoneCallID, at: Date, _ change: (inout CallLeg) -> Void) {
        guard let id = book.callID(phone: phone, vendorCall: vendorCall), var live = book[id],
            let index = live.legs.firstIndex(where: { $0.phone == phone && $0.vendorCall == vendorCall })
        else { return }
        live.legs[index].lastNewsAt = at
        change(&live.legs[index])
        book.store(live)
    }

    /// Makes a logged-in agent busy as soon as she is on a connected or held call.
    mutating func syncBusy(_ agent: String, now: Date) {
        guard isOnCall(agent) else { return }
        states[agent]?.acd.callConnected(now: now)
    }
}
