import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("ACD driven by her calls")
struct DeskACDTests {
    /// A connected sales call (wrap 30 s) on alice's desk phone.
    static func salesCall(_ h: inout DeskHarness, vendor: String = "1") {
        h.ring("alice-desk", vendor, from: "+441632960123", dialled: "+442079460100")
        h.answer("alice-desk", vendor)
    }

    @Test("login makes her ready; the wrap timer after a queue call returns her to ready")
    func wrapTimer() throws {
        var h = DeskHarness()
        var effects = try h.command(.login)
        #expect(h.acd() == .ready)
        #expect(effects.changedAgents == ["alice"])
        #expect(effects.changedQueues == ["sales", "support", "billing"])
        Self.salesCall(&h)
        #expect(h.acd() == .busy)
        #expect(h.agent().status == .busy)
        h.advance(100)
        effects = h.clear("alice-desk", "1")
        #expect(h.acd() == .wrap)
        #expect(h.agent().status == .wrap)
        #expect(h.agent().acd.wrapEndsAt == h.now.addingTimeInterval(30))
        #expect(h.desk.nextDeadline == h.now.addingTimeInterval(30))
        #expect(effects.notifications() == [.callEnded, .wrapStarted])
        #expect(effects.changedAgents == ["alice"], "one agentChanged per input, however many fields changed")

        h.advance(29)
        #expect(h.tick().isEmpty)
        h.advance(1)
        effects = h.tick()
        #expect(effects.notifications() == [.wrapEnded])
        #expect(effects.changedAgents == ["alice"])
        #expect(h.acd() == .ready)
        #expect(h.agent().acd.wrapEndsAt == nil)
        #expect(h.desk.nextDeadline == nil)
    }

    @Test("extendWrap restarts the queue's full wrap time")
    func extendWrap() throws {
        var h = DeskHarness()
        try h.command(.login)
        Self.salesCall(&h)
        h.clear("alice-desk", "1")
        h.advance(20)
        try h.command(.extendWrap)
        #expect(h.agent().acd.wrapEndsAt == h.now.addingTimeInterval(30))
        h.advance(29)
        h.tick()
        #expect(h.acd() == .wrap)
        h.advance(1)
        h.tick()
        #expect(h.acd() == .ready)
    }

    @Test("endWrap returns her to ready at once; away during wrap makes her away")
    func endWrapAndAway() throws {
        var h = DeskHarness()
        try h.command(.login)
        Self.salesCall(&h)
        h.clear("alice-desk", "1")
        var effects = try h.command(.endWrap)
        #expect(effects.notifications() == [.wrapEnded])
        #expect(h.acd() == .ready)
        Self.salesCall(&h, vendor: "2")
        h.clear("alice-desk", "2")
        effects = try h.command(.away)
        #expect(effects.notifications() == [.wrapEnded])
        #expect(h.acd() == .away)
        h.advance(60)
        #expect(h.tick().isEmpty)
        #expect(h.acd() == .away, "the old wrap timer does not bring her back")
    }

    @Test("a non-queue call returns her to what she was before, without wrap", arguments: [AgentCommand.ready, .away])
    func nonQueueCall(before: AgentCommand) throws {
        var h = DeskHarness()
        try h.command(.login)
        try h.command(before)
        let expected = h.acd()
        h.ring("alice-desk", "1", from: "+441632960123")
        h.answer("alice-desk", "1")
        #expect(h.acd() == .busy)
        let effects = h.clear("alice-desk", "1")
        #expect(h.acd() == expected)
        #expect(!effects.notifications().contains(.wrapStarted))
    }

    @Test("away survives a queue call: after it she is away again, no wrap")
    func awayThroughQueueCall() throws {
        var h = DeskHarness()
        try h.command(.login)
        try h.command(.away)
        Self.salesCall(&h)
        let effects = h.clear("alice-desk", "1")
        #expect(h.acd() == .away)
        #expect(effects.notifications() == [.callEnded])
    }

    @Test("a queue with no wrap time returns her to ready")
    func zeroWrapQueue() throws {
        var h = DeskHarness()
        try h.command(.login)
        h.ring("alice-desk", "1", from: "+441632960123", dialled: "020 7946 0200")
        h.answer("alice-desk", "1")
        h.clear("alice-desk", "1")
        #expect(h.acd() == .ready)
    }

    @Test("two overlapping calls: busy until the last ends, then the wrap owed by the queue call")
    func overlapping() throws {
        var h = DeskHarness()
        try h.command(.login)
        Self.salesCall(&h)
        h.dial("alice-soft", "o1", to: "+441632960555")
        h.answer("alice-soft", "o1")
        h.clear("alice-desk", "1")
        #expect(h.acd() == .busy)
        #expect(h.agent().onCall)
        h.advance(5)
        let effects = h.clear("alice-soft", "o1")
        #expect(h.acd() == .wrap)
        #expect(effects.notifications() == [.callEnded, .wrapStarted])
    }

    @Test("a missed queue call never made her busy and owes no wrap")
    func missedQueueCall() throws {
        var h = DeskHarness()
        try h.command(.login)
        h.ring("alice-desk", "1", from: "+441632960123", dialled: "+442079460100")
        #expect(h.acd() == .ready)
        h.clear("alice-desk", "1")
        #expect(h.acd() == .ready)
    }

    @Test("logging in during a call makes her busy; logout from busy; calls do not log her in")
    func loginDuringCall() throws {
        var h = DeskHarness()
        Self.salesCall(&h)
        #expect(h.acd() == .loggedOut)
        try h.command(.login)
        #expect(h.acd() == .busy)
        try h.command(.logout)
        #expect(h.acd() == .loggedOut)
        h.clear("alice-desk", "1")
        #expect(h.acd() == .loggedOut)
    }

    @Test("illegal commands answer invalidState with the reason")
    func illegalCommands() throws {
        var h = DeskHarness()
        #expect(h.failure(.ready)?.message == "not logged in: ready needs login first")
        try h.command(.login)
        #expect(h.failure(.login) == AgentCommandError(.invalidState, "already logged in (ACD state is ready); use logout first"))
        #expect(h.failure(.endWrap) == AgentCommandError(
            .invalidState, "not in wrap (ACD state is ready): endWrap works only in wrap"))
        #expect(h.failure(.extendWrap)?.code == .invalidState)
        #expect(h.failure(.ready, "nobody") == AgentCommandError(.unknownAgent, "there is no agent \"nobody\""))
    }
}
