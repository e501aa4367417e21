import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("Queue and route path of a call")
struct QueueTaggingTests {
    @Test("a call to one of a queue's numbers, in any formatting, is that queue's call", arguments: [
        ("+442079460100", "sales"), ("020 7946 0100", "sales"), ("sip:02079460100@pbx", "sales"),
        ("00442079460200", "support"), ("+442079460300", nil), (nil, nil),
    ] as [(String?, String?)])
    func dialledNumber(dialled: String?, queue: String?) {
        var h = DeskHarness()
        let effects = h.ring("bob-desk", "1", from: "+441632960123", dialled: dialled)
        #expect(effects.changedCalls.first?.queue == queue)
        #expect(effects.changedCalls.first?.routePath == nil)
        #expect(h.queue("sales").activeCalls == (queue == "sales" ? 1 : 0))
    }

    @Test("an ACD offer tags the agent's next alerting call from that number")
    func offerMatches() throws {
        var h = DeskHarness()
        let offer = ACDOffer(
            agent: "bob", queue: "billing", remote: "01632 960123", routePath: "Main IVR > Billing",
            expiresAt: h.now.addingTimeInterval(10))
        #expect(try h.desk.offer(offer, now: h.now).get().isEmpty)
        h.advance(1)
        h.ring("bob-desk", "0", from: "+441632960999")
        var effects = h.ring("bob-desk", "1", from: "sip:+441632960123@pbx")
        let call = try #require(effects.changedCalls.first)
        #expect(call.queue == "billing")
        #expect(call.routePath == "Main IVR > Billing")
        let incoming = effects.compactMap { effect -> AgentNotification? in
            if case .notify(_, let notification) = effect { return notification }
            return nil
        }
        #expect(incoming.first?.call?.routePath == "Main IVR > Billing", "call.incoming carries queue and route path")
        #expect(h.desk.liveCalls.first?.queue == nil, "a call from another number is not tagged")
        // Used once.
        effects = h.ring("bob-desk", "2", from: "+441632960123")
        #expect(effects.changedCalls.first?.queue == nil)
    }

    @Test("an expired offer tags nothing; offers are capped to a short life")
    func offerExpiry() throws {
        var h = DeskHarness()
        let offer = ACDOffer(
            agent: "bob", queue: "sales", remote: "+441632960123", routePath: "IVR", expiresAt: h.now.addingTimeInterval(3600))
        _ = try h.desk.offer(offer, now: h.now).get()
        h.advance(AgentDesk.maximumOfferLifetime + 1)
        let effects = h.ring("bob-desk", "1", from: "+441632960123")
        #expect(effects.changedCalls.first?.queue == nil)

        let stale = ACDOffer(agent: "bob", queue: "sales", remote: nil, routePath: nil, expiresAt: h.now)
        #expect(throws: AgentCommandError.self) { try h.desk.offer(stale, now: h.now).get() }
    }

    @Test("an offer that arrives just after the call started ringing tags that call")
    func lateOffer() throws {
        var h = DeskHarness()
        h.ring("bob-desk", "1", from: "+441632960123")
        h.advance(1)
        let offer = ACDOffer(
            agent: "bob", queue: "sales", remote: "+441632960123", routePath: "IVR > Sales", expiresAt: h.now.addingTimeInterval(5))
        let effects = try h.desk.offer(offer, now: h.now).get()
        #expect(effects.changedCalls.first?.queue == "sales")
        #expect(effects.changedQueues == ["sales"])
        #expect(effects.changedAgents == ["bob"])
    }

    @Test("offers for unknown agents or queues are refused")
    func badOffers() {
        var h = DeskHarness()
        let later = h.now.addingTimeInterval(5)
        let unknownAgent = h.desk.offer(ACDOffer(agent: "zed", queue: "sales", remote: nil, routePath: nil, expiresAt: later), now: h.now)
        #expect(throws: AgentCommandError(.unknownAgent, "there is no agent \"zed\"")) { try unknownAgent.get() }
        let unknownQueue = h.desk.offer(ACDOffer(agent: "bob", queue: "nope", remote: nil, routePath: nil, expiresAt: later), now: h.now)
        #expect(throws: AgentCommandError(.badRequest, "there is no queue \"nope\"")) { try unknownQueue.get() }
    }
}
