import CallModel
import Foundation

extension AgentDesk {
    /// Does what is due at `now`: ends wraps whose time is up, ends alerting legs past their phone's
    /// `maxRingSeconds` (as missed), forgets expired offers.
    public mutating func tick(now: Date) -> [DeskEffect] {
        // Only what is due is looked at (and compared before and after): a tick costs what it ends.
        let wrapsDue = states.wrapsEnded(by: now)
            .sorted { agentIndex[$0, default: .max] < agentIndex[$1, default: .max] }
        var legsDue: [CallLeg] = []
        var ringingAgents: [String] = []
        for live in book.all {
            for leg in live.legs where leg.state == .alerting {
                guard let seconds = configuration.maxRingSeconds[leg.phone], seconds > 0,
                    leg.lastNewsAt.addingTimeInterval(TimeInterval(seconds)) <= now
                else { continue }
                legsDue.append(leg)
                ringingAgents.append(live.call.agent)
            }
        }
        let baseline = baseline(for: wrapsDue + ringingAgents)
        var effects: [DeskEffect] = []
        for agent in wrapsDue {
            guard let events = states[agent]?.acd.tick(now: now) else { continue }
            effects += notifications(for: events, agent: agent, now: now)
        }
        for leg in legsDue {
            effects += endLeg(phone: leg.phone, vendorCall: leg.vendorCall, cause: .missed, ending: .cleared, at: now, now: now)
        }
        pruneOffers(now: now)
        return effects + changes(since: baseline, now: now)
    }

    /// Records a phone going offline or coming back: the owner is notified, and an offline phone's calls end
    /// (as failed: a connected call is never turned into a missed one).
    public mutating func phoneStatusChanged(_ phone: String, online: Bool, now: Date) -> [DeskEffect] {
        let previous = phoneOnline[phone]
        phoneOnline[phone] = online
        guard let agent = phoneOwner[phone], previous != online else { return [] }
        // The first report after start is not news: the phone did not come back, the bridge just met it.
        if previous == nil && online { return [] }
        let baseline = baseline(for: [agent])
        var effects: [DeskEffect] = [
            .notify(agent: agent, AgentNotification(type: online ? .phoneOnline : .phoneOffline, at: now, phone: phone))
        ]
        if !online { effects += endAllLegs(phone: phone, at: now, now: now) }
        return effects + changes(since: baseline, now: now)
    }

    /// Corrects the desk after asking a phone for its calls (`resync`): legs the phone no longer has end as
    /// failed. Calls it has that the desk does not know arrive as ordinary events from the driver.
    ///
    /// `listedAt` is when the phone was asked: a leg with news after it started after the list was taken, so
    /// its absence from the list says nothing.
    public mutating func reconcile(phone: String, liveCalls: Set<PhoneCallID>, listedAt: Date? = nil, now: Date) -> [DeskEffect] {
        guard let agent = phoneOwner[phone] else { return [] }
        let baseline = baseline(for: [agent])
        var effects: [DeskEffect] = []
        for live in book.calls(onPhone: phone) {
            for leg in live.legs where leg.phone == phone && !liveCalls.contains(leg.vendorCall) {
                if let listedAt, leg.lastNewsAt > listedAt { continue }
                effects += endLeg(phone: phone, vendorCall: leg.vendorCall, cause: .failed, ending: .phoneLost, at: now, now: now)
            }
        }
        return effects + changes(since: baseline, now: now)
    }
}
