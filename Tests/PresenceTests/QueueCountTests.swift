import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("Queue objects")
struct QueueCountTests {
    @Test("every member agent is counted in exactly one state; activeCalls counts the queue's live calls")
    func counts() throws {
        var h = DeskHarness()
        #expect(h.queue("sales").agents == AgentCounts(ready: 0, away: 0, wrap: 0, busy: 0, loggedOut: 2))
        try h.command(.login)
        try h.command(.login, "bob")
        try h.command(.away, "bob")
        #expect(h.queue("sales").agents == AgentCounts(ready: 1, away: 1, wrap: 0, busy: 0, loggedOut: 0))
        let effects = h.ring("alice-desk", "1", from: "+441632960123", dialled: "+442079460100")
        #expect(effects.changedQueues == ["sales"])
        #expect(h.queue("sales").activeCalls == 1)
        h.answer("alice-desk", "1")
        #expect(h.queue("sales").agents.busy == 1)
        #expect(h.queue("support").agents == AgentCounts(ready: 0, away: 0, wrap: 0, busy: 1, loggedOut: 0))
        h.clear("alice-desk", "1")
        #expect(h.queue("sales").agents == AgentCounts(ready: 0, away: 1, wrap: 1, busy: 0, loggedOut: 0))
        #expect(h.queue("sales").activeCalls == 0)
        try h.command(.queue("sales", enabled: false), "bob")
        #expect(h.queue("sales").agents.total == 2, "a member who does not take the queue's calls is still counted")
    }

    @Test("queue object JSON has the contract's shape")
    func json() throws {
        let h = DeskHarness()
        let json = try contractJSON(h.queue("sales"))
        #expect(Set(json.keys) == ["id", "name", "agents", "activeCalls"])
        #expect(Set((json["agents"] as? [String: Int])?.keys ?? [:].keys) == ["ready", "away", "wrap", "busy", "loggedOut"])
        #expect(json["name"] as? String == "Sales")
    }
}
