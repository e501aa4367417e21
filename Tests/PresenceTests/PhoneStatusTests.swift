import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("Phones going offline, rebooting, ringing out")
struct PhoneStatusTests {
    @Test("a phone going offline notifies her and ends its calls as failed, never as missed")
    func offlineEndsCalls() throws {
        var h = DeskHarness()
        try h.command(.login)
        #expect(h.desk.phoneStatusChanged("alice-desk", online: true, now: h.now).isEmpty, "first sight is not news")
        h.ring("alice-desk", "1", from: "+441632960123")
        h.answer("alice-desk", "1")
        h.ring("alice-desk", "2", from: "+441632960999")
        let effects = h.desk.phoneStatusChanged("alice-desk", online: false, now: h.now)
        #expect(effects.notifications() == [.phoneOffline, .callEnded, .callEnded])
        #expect(effects.endedCalls.map(\.cause) == [.failed, .failed])
        #expect(h.desk.history(agent: "alice", missedOnly: true) == [])
        #expect(h.desk.liveCalls.isEmpty)
        #expect(h.acd() == .ready)
        #expect(h.desk.phoneStatusChanged("alice-desk", online: false, now: h.now).isEmpty)
        #expect(h.desk.phoneStatusChanged("alice-desk", online: true, now: h.now).notifications() == [.phoneOnline])
    }

    @Test("a phone that goes offline keeps the call alive on her other phone")
    func otherPhoneKeepsCall() {
        var h = DeskHarness()
        h.ring("alice-desk", "1", from: "+441632960123")
        h.ring("alice-soft", "2", from: "+441632960123")
        let effects = h.desk.phoneStatusChanged("alice-desk", online: false, now: h.now)
        #expect(effects.endedCalls.isEmpty)
        #expect(h.desk.liveCalls.first?.phone == "alice-soft")
    }

    @Test("an alerting call with no news for maxRingSeconds ends as missed")
    func ringTimeout() {
        var h = DeskHarness()
        h.ring("alice-desk", "1", from: "+441632960123")
        #expect(h.desk.nextDeadline == h.now.addingTimeInterval(120))
        h.advance(119)
        #expect(h.tick().isEmpty)
        h.advance(1)
        let effects = h.tick()
        #expect(effects.notifications() == [.callEnded, .callMissed])
        #expect(h.desk.liveCalls.isEmpty)
        #expect(h.desk.nextDeadline == nil)
    }

    @Test("resync: legs the phone no longer has end; the others stay")
    func reconcile() {
        var h = DeskHarness()
        h.ring("alice-desk", "1", from: "+441632960123")
        h.answer("alice-desk", "1")
        h.dial("alice-desk", "2", to: "+441632960999")
        let effects = h.desk.reconcile(phone: "alice-desk", liveCalls: [PhoneCallID("2")], now: h.now)
        #expect(effects.endedCalls.map(\.remote.number) == ["+441632960123"])
        #expect(h.desk.liveCalls.map(\.remote.number) == ["+441632960999"])
    }

    @Test("resync: a call with news after the phone was asked is not in its list yet, so it stays")
    func reconcileSkipsNewerLegs() {
        var h = DeskHarness()
        let listedAt = h.now
        h.advance(1)
        h.ring("alice-desk", "1", from: "+441632960123")
        let effects = h.desk.reconcile(phone: "alice-desk", liveCalls: [], listedAt: listedAt, now: h.now)
        #expect(effects.endedCalls.isEmpty)
        #expect(h.desk.liveCalls.count == 1)
        let later = h.desk.reconcile(phone: "alice-desk", liveCalls: [], listedAt: h.now, now: h.now)
        #expect(later.endedCalls.map(\.remote.number) == ["+441632960123"])
    }
}
