import CallModel
import Foundation

extension AgentDesk {
    /// Ends one leg. The call ends with its last leg, or when its talking leg ends and only ringing legs remain
    /// (their phones were told to stop ringing). Other legs end silently: an ACD call answered on one phone
    /// leaves no missed call on the others.
    mutating func endLeg(
        phone: String, vendorCall: PhoneCallID, cause: ClearCause, ending: LegEnding, at: Date, now: Date
    ) -> [DeskEffect] {
        guard let id = book.callID(phone: phone, vendorCall: vendorCall), var live = book[id],
            let index = live.legs.firstIndex(where: { $0.phone == phone && $0.vendorCall == vendorCall })
        else { return [] }
        let leg = live.legs.remove(at: index)
        let wasTalking = leg.state == .connected || leg.state == .held
        if live.legs.isEmpty || (wasTalking && !live.hasActiveLeg) {
            return finish(live, cause: cause, ending: ending, at: at, now: now)
        }
        let before = live.call
        live.deriveStateFromLegs()
        book.store(live)
        return live.call == before ? [] : [.callChanged(live.call)]
    }

    /// Ends every leg on a phone (offline, rebooted): calls end as failed, never as invented missed calls.
    mutating func endAllLegs(phone: String, at: Date, now: Date) -> [DeskEffect] {
        var effects: [DeskEffect] = []
        for live in book.calls(onPhone: phone) {
            for leg in live.legs where leg.phone == phone {
                effects += endLeg(phone: phone, vendorCall: leg.vendorCall, cause: .failed, ending: .phoneLost, at: at, now: now)
            }
        }
        return effects
    }

    /// Ends a call: publishes its last state, notifies, writes history, and lets the ACD leave busy.
    private mutating func finish(
        _ live: LiveCall, cause: ClearCause, ending: LegEnding, at: Date, now: Date
    ) -> [DeskEffect] {
        var call = live.call
        let agent = call.agent
        let answered = call.answeredAt != nil
        let (finalCause, missed) = Self.outcome(
            direction: call.direction, answered: answered, cause: cause, ending: ending)
        call.cause = finalCause
        call.endedAt = max(at, call.startedAt)
        call.state = (call.direction == .outbound && !answered && [.busy, .rejected, .failed].contains(finalCause))
            ? .failed : .cleared
        book.remove(call.id)

        let entry = HistoryEntry(endedCall: call, missed: missed)
        // In place: a copy of her state would copy her whole history.
        states[agent]?.history.append(entry)
        if let count = states[agent]?.history.count, count > Self.historyLimit {
            states[agent]?.history.removeFirst(count - Self.historyLimit)
        }
        var effects: [DeskEffect] = [
            .callEnded(call), .notify(agent: agent, AgentNotification(type: .callEnded, at: call.endedAt!, call: call)),
        ]
        if missed {
            effects.append(.notify(agent: agent, AgentNotification(type: .callMissed, at: call.endedAt!, call: call)))
        }
        effects.append(.historyAdded(entry))
        if answered {
            let wrap = call.queue.flatMap { queues[$0] }.map { PendingWrap(queue: $0.id, seconds: $0.wrapSeconds) }
            let stillOnCall = isOnCall(agent)
            let events = states[agent]?.acd.callEnded(wrap: wrap, stillOnCall: stillOnCall, now: now) ?? []
            effects += notifications(for: events, agent: agent, now: now)
        }
        return effects
    }

    /// The published cause and whether the call counts as missed.
    ///
    /// Missed means: inbound, never connected on any of her devices, and ended by the caller giving up or by
    /// ringing out (`normal`/`missed`). A call she declined (`rejected`), that was forwarded or transferred, or
    /// whose phone vanished (`failed`) is not missed: she knows, or the bridge cannot tell.
    static func outcome(
        direction: CallDirection, answered: Bool, cause: ClearCause, ending: LegEnding
    ) -> (ClearCause, Bool) {
        if ending == .phoneLost { return (.failed, false) }
        if answered || direction == .outbound {
            return (cause == .missed ? .normal : cause, false)
        }
        switch ending {
        case .transferred, .diverted:
            return (.normal, false)
        case .cleared, .phoneLost:
            return cause == .normal || cause == .missed ? (.missed, true) : (cause, false)
        }
    }
}
