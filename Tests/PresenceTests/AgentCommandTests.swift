import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("Agent commands: presence, DND, forwarding, queues, favorites, mode")
struct AgentCommandTests {
    @Test("presence with a message; unknown presence, long or control-character messages refused")
    func presence() throws {
        var h = DeskHarness()
        #expect(h.agent().presence == PresenceSnapshot(definition: DeskHarness.presences[0], message: nil))
        try h.command(.presence("meeting", message: "  On the road (until 4pm) "))
        #expect(h.agent().presence.id == "meeting")
        #expect(h.agent().presence.name == "In a meeting")
        #expect(h.agent().presence.message == "On the road (until 4pm)")
        #expect(h.agent().status == .unavailable)

        #expect(h.failure(.presence("pub", message: nil))?.code == .badRequest)
        let long = String(repeating: "é", count: 201)
        #expect(h.failure(.presence("available", message: long))?.message.contains("at most 200") == true)
        #expect(h.failure(.presence("available", message: "line\nbreak"))?.message.contains("control character") == true)
        #expect(h.agent().presence.id == "meeting", "a refused command changes nothing")
        try h.command(.presence("available", message: String(repeating: "é", count: 200)))
        try h.command(.presence("available", message: ""))
        #expect(h.agent().presence.message == nil)
    }

    @Test("dnd sets the agent object and asks the bridge to drive her phones")
    func dnd() throws {
        var h = DeskHarness()
        let effects = try h.command(.dnd(on: true))
        #expect(effects.contains(.drivePhones(agent: "alice", phones: ["alice-desk", "alice-soft"], .dnd(true))))
        #expect(effects.changedAgents == ["alice"])
        #expect(h.agent().dnd)
        #expect(h.agent().status == .dnd)
    }

    @Test("forward validates the number, cancels with null, and drives her phones")
    func forward() throws {
        var h = DeskHarness()
        var effects = try h.command(.forward(to: "+44 7700 900123"))
        #expect(h.agent().forwardTo == "+447700900123")
        #expect(effects.contains(.drivePhones(agent: "alice", phones: ["alice-desk", "alice-soft"], .forward("+447700900123"))))
        let refused = h.failure(.forward(to: "123&reboot=1"))
        #expect(refused?.code == .invalidNumber)
        #expect(refused?.message.contains("'&'") == true)
        #expect(h.agent().forwardTo == "+447700900123")
        effects = try h.command(.forward(to: nil))
        #expect(h.agent().forwardTo == nil)
        #expect(effects.contains(.drivePhones(agent: "alice", phones: ["alice-desk", "alice-soft"], .forward(nil))))
    }

    @Test("DND and forwarding reported by a phone update the agent, once")
    func phoneReportedSettings() {
        var h = DeskHarness()
        #expect(h.event("alice-soft", .doNotDisturb(on: true)).changedAgents == ["alice"])
        #expect(h.agent().dnd)
        #expect(h.event("alice-desk", .doNotDisturb(on: true)).isEmpty, "no change, nothing to publish")
        h.event("alice-desk", .forwarding(target: "sip:07700900123@pbx"))
        #expect(h.agent().forwardTo == "+447700900123")
        h.event("alice-desk", .forwarding(target: nil))
        #expect(h.agent().forwardTo == nil)
    }

    @Test("queue toggles only her own queues")
    func queueToggles() throws {
        var h = DeskHarness()
        #expect(h.agent("bob").acd.queues == ["sales": true])
        try h.command(.queue("sales", enabled: false), "bob")
        #expect(h.agent("bob").acd.queues == ["sales": false])
        #expect(h.failure(.queue("support", enabled: true), "bob")?.message.contains("not a member") == true)
        #expect(h.failure(.queue("nope", enabled: true), "bob")?.code == .badRequest)
        #expect(h.agent("bob").acd.queues == ["sales": false])
    }

    @Test("mode is a field; ACD works the same in softphone mode")
    func mode() throws {
        var h = DeskHarness()
        try h.command(.mode(.softphone))
        #expect(h.agent().mode == .softphone)
        try h.command(.login)
        #expect(h.acd() == .ready)
    }

    @Test("favorites: add by contact id, list, remove; unknown contacts refused")
    func favorites() throws {
        var h = DeskHarness()
        let zoe = try #require(h.desk.searchContacts("zoe").first)
        var effects = try h.command(.favorite(contact: zoe.id, on: true))
        #expect(effects == [.favoritesChanged(agent: "alice")])
        try h.command(.favorite(contact: "bob", on: true))
        #expect(try h.command(.favorite(contact: "bob", on: true)).isEmpty, "adding twice changes nothing")
        #expect(h.desk.favorites(agent: "alice")?.map(\.id) == [zoe.id, "bob"])
        #expect(h.desk.favorites(agent: "alice")?.last?.status == .available)
        #expect(h.failure(.favorite(contact: "ext-0000", on: true))?.code == .badRequest)
        effects = try h.command(.favorite(contact: zoe.id, on: false))
        #expect(effects == [.favoritesChanged(agent: "alice")])
        #expect(h.desk.favorites(agent: "alice")?.map(\.id) == ["bob"])
        #expect(h.desk.favorites(agent: "nobody") == nil)
    }
}
