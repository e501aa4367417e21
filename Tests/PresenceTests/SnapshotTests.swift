import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("Durable snapshot and restore")
struct SnapshotTests {
    /// Encodes and decodes through JSON, as the bridge's store does.
    static func throughJSON(_ snapshot: DeskSnapshot) throws -> DeskSnapshot {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .deferredToDate
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .deferredToDate
        return try decoder.decode(DeskSnapshot.self, from: try encoder.encode(snapshot))
    }

    static func restarted(from h: DeskHarness, at now: Date, configuration: DeskConfiguration = DeskHarness.configuration)
        throws -> DeskHarness
    {
        var fresh = DeskHarness(configuration: configuration)
        fresh.now = now
        fresh.desk.restore(try throughJSON(h.desk.snapshot()), now: now)
        return fresh
    }

    @Test("every agent field, the live calls and the queue counts survive a restart")
    func roundTrip() throws {
        var h = DeskHarness()
        try h.command(.login)
        try h.command(.queue("support", enabled: false))
        try h.command(.presence("meeting", message: "On the road"))
        try h.command(.dnd(on: true))
        try h.command(.forward(to: "07700 900123"))
        try h.command(.mode(.softphone))
        try h.command(.favorite(contact: "bob", on: true))
        try h.command(.login, "bob")
        try h.command(.away, "bob")
        h.ring("bob-desk", "1", from: "+441632960123", dialled: "+442079460100")
        h.answer("bob-desk", "1")
        h.ring("alice-desk", "2", from: "+441632960999")
        h.ring("alice-soft", "3", from: "+441632960999")
        h.dial("carol-desk", "4", to: "+441632960555")
        h.clear("carol-desk", "4", .busy)

        let restored = try Self.restarted(from: h, at: h.now)
        #expect(restored.desk.agentObjects == h.desk.agentObjects)
        #expect(restored.desk.queueObjects == h.desk.queueObjects)
        #expect(restored.desk.liveCalls == h.desk.liveCalls)
        #expect(restored.desk.liveCall("call-2")?.legs.count == 2)
        #expect(restored.desk.favorites(agent: "alice")?.map(\.id) == ["bob"])
        #expect(restored.desk.history(agent: "carol") == h.desk.history(agent: "carol"))
        #expect(restored.desk.snapshot() == h.desk.snapshot())

        // Away survives the restart and the call: after it she is away again.
        var after = restored
        after.clear("bob-desk", "1")
        #expect(after.acd("bob") == .away)
    }

    @Test("a restore during wrap resumes the remaining wrap time; a wrap that ran out ends at the first tick")
    func wrapResume() throws {
        var h = DeskHarness()
        try h.command(.login)
        h.ring("alice-desk", "1", from: "+441632960123", dialled: "+442079460100")
        h.answer("alice-desk", "1")
        h.clear("alice-desk", "1")
        let endsAt = h.now.addingTimeInterval(30)

        var early = try Self.restarted(from: h, at: h.now.addingTimeInterval(10))
        #expect(early.acd() == .wrap)
        #expect(early.desk.nextDeadline == endsAt)
        early.advance(19)
        #expect(early.tick().isEmpty)
        early.advance(1)
        #expect(early.tick().notifications() == [.wrapEnded])
        #expect(early.acd() == .ready)

        var late = try Self.restarted(from: h, at: h.now.addingTimeInterval(300))
        #expect(late.acd() == .wrap, "the first published state is the restored one")
        #expect(late.tick().notifications() == [.wrapEnded])
        #expect(late.acd() == .ready)
    }

    @Test("restore fits the snapshot to a changed configuration")
    func changedConfiguration() throws {
        var h = DeskHarness()
        try h.command(.login)
        try h.command(.presence("meeting", message: "gone"))
        try h.command(.queue("billing", enabled: false))
        h.ring("alice-desk", "1", from: "+441632960123")
        h.answer("alice-desk", "1")

        var configuration = DeskHarness.configuration
        configuration.presences = [PresenceDefinition(id: "here", name: "Here", availability: .available)]
        configuration.agents[0].queues = ["sales", "billing", "newqueue"]
        configuration.agents[0].phones = ["alice-soft"]
        configuration.queues.append(QueueDefinition(id: "newqueue", name: "New"))
        let restored = try Self.restarted(from: h, at: h.now, configuration: configuration)
        let alice = restored.agent()
        #expect(alice.presence.id == "here")
        #expect(alice.presence.message == nil)
        #expect(alice.acd.queues == ["sales": true, "billing": false, "newqueue": true])
        #expect(alice.calls.isEmpty, "calls on a phone that is no longer hers are dropped")
        #expect(alice.acd.state == .ready, "busy without a call is resolved")
    }

    @Test("the snapshot is versioned")
    func versioned() throws {
        let h = DeskHarness()
        let json = try contractJSON(h.desk.snapshot())
        #expect(json["version"] as? Int == DeskSnapshot.currentVersion)
    }
}
