import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("One call ringing on several of her phones")
struct MultiDeviceTests {
    @Test("answered on her second phone: one call, no missed call, the other leg ends silently")
    func answeredOnSecondPhone() throws {
        var h = DeskHarness()
        try h.command(.login)
        var effects = h.ring("alice-desk", "d1", from: "+441632960123", dialled: "+442079460100")
        #expect(effects.notifications() == [.callIncoming])
        h.advance(0.3)
        effects = h.ring("alice-soft", "s1", from: "01632 960123")
        #expect(effects.notifications().isEmpty, "the second leg of the same call is not a new incoming call")
        #expect(h.desk.liveCalls.count == 1)
        let id = try #require(h.desk.liveCalls.first?.id)
        #expect(h.desk.liveCall(id)?.legs.map(\.phone) == ["alice-desk", "alice-soft"])
        #expect(h.desk.callID(phone: "alice-soft", vendorCall: PhoneCallID("s1")) == id)

        h.advance(4)
        effects = h.answer("alice-soft", "s1")
        #expect(effects.notifications() == [.callConnected])
        #expect(effects.changedCalls.first?.phone == "alice-soft")
        #expect(h.acd() == .busy)

        effects = h.clear("alice-desk", "d1", .missed)
        #expect(effects.notifications().isEmpty)
        #expect(effects.endedCalls.isEmpty)
        #expect(h.desk.liveCall(id)?.legs.map(\.phone) == ["alice-soft"])

        h.advance(30)
        effects = h.clear("alice-soft", "s1")
        #expect(effects.notifications() == [.callEnded, .wrapStarted])
        #expect(effects.endedCalls.first?.phone == "alice-soft")
        #expect(h.desk.history(agent: "alice", missedOnly: true) == [])
        #expect(h.desk.history(agent: "alice")?.count == 1)
    }

    @Test("unanswered on both phones: exactly one missed call")
    func missedOnBoth() throws {
        var h = DeskHarness()
        h.ring("alice-desk", "d1", from: "+441632960123")
        h.ring("alice-soft", "s1", from: "+441632960123")
        h.advance(20)
        var effects = h.clear("alice-desk", "d1", .normal)
        #expect(effects.notifications().isEmpty)
        effects = h.clear("alice-soft", "s1", .normal)
        #expect(effects.notifications() == [.callEnded, .callMissed])
        #expect(effects.endedCalls.count == 1)
        #expect(h.desk.history(agent: "alice", missedOnly: true)?.count == 1)
    }

    @Test("when the answered leg ends, legs still ringing elsewhere do not keep the call alive")
    func answeredLegEndsCall() {
        var h = DeskHarness()
        h.ring("alice-desk", "d1", from: "+441632960123")
        h.ring("alice-soft", "s1", from: "+441632960123")
        h.answer("alice-desk", "d1")
        let effects = h.clear("alice-desk", "d1")
        #expect(effects.endedCalls.count == 1)
        #expect(effects.notifications() == [.callEnded])
        #expect(h.desk.liveCalls.isEmpty)
        #expect(h.clear("alice-soft", "s1", .missed).isEmpty, "the late clear of the other leg is ignored")
    }

    @Test("different callers, or the same caller much later, are separate calls")
    func separateCalls() {
        var h = DeskHarness()
        h.ring("alice-desk", "d1", from: "+441632960123")
        h.ring("alice-soft", "s1", from: "+441632960999")
        #expect(h.desk.liveCalls.count == 2)
        h.advance(10)
        h.ring("alice-soft", "s2", from: "+441632960123")
        #expect(h.desk.liveCalls.count == 3)
    }
}
