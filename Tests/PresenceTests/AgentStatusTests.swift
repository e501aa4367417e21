import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("Status that other users see")
struct AgentStatusTests {
    struct Row: Sendable, CustomStringConvertible {
        var dnd: Bool
        var acd: ACDStateKind
        var onCall: Bool
        var availability: Availability
        var expected: AgentStatus
        var description: String { "dnd=\(dnd) acd=\(acd) onCall=\(onCall) \(availability) → \(expected)" }
    }

    /// Every combination, with the expected status computed by the documented priority written out longhand.
    static let matrix: [Row] = {
        var rows: [Row] = []
        for dnd in [false, true] {
            for acd in ACDStateKind.allCases {
                for onCall in [false, true] {
                    for availability in Availability.allCases {
                        let expected: AgentStatus =
                            dnd ? .dnd
                            : acd == .wrap ? .wrap
                            : (onCall && availability == .available) ? .busy
                            : availability == .available ? .available : .unavailable
                        rows.append(Row(dnd: dnd, acd: acd, onCall: onCall, availability: availability, expected: expected))
                    }
                }
            }
        }
        return rows
    }()

    @Test("status derivation matrix", arguments: matrix)
    func derivation(_ row: Row) {
        #expect(AgentStatus.derive(dnd: row.dnd, acd: row.acd, onCall: row.onCall, availability: row.availability) == row.expected)
    }

    @Test("busy on a call on any of her devices, without ACD, while her presence is available")
    func busyWithoutACD() throws {
        var h = DeskHarness()
        h.dial("alice-soft", "1", to: "+441632960123")
        #expect(h.agent().status == .available, "dialling is not yet a call")
        h.answer("alice-soft", "1")
        #expect(h.agent().status == .busy)
        #expect(h.agent().acd.state == .loggedOut)
        try h.command(.presence("meeting", message: nil))
        #expect(h.agent().status == .unavailable)
        try h.command(.dnd(on: true))
        #expect(h.agent().status == .dnd)
        #expect(h.desk.searchContacts("alice").first?.status == .dnd, "internal contacts carry the same status")
    }

    @Test("agent object JSON: exactly the contract's fields, nulls explicit")
    func agentJSON() throws {
        let h = DeskHarness()
        let json = try contractJSON(h.agent())
        #expect(Set(json.keys) == [
            "id", "name", "extension", "mode", "presence", "status", "onCall", "dnd", "forwardTo", "acd", "phones", "calls",
            "updatedAt",
        ])
        #expect(json["extension"] as? String == "201")
        #expect(json["forwardTo"] is NSNull)
        #expect(json["mode"] as? String == "deskphone")
        #expect(json["status"] as? String == "available")
        let presence = try #require(json["presence"] as? [String: Any])
        #expect(Set(presence.keys) == ["id", "name", "availability", "message"])
        #expect(presence["message"] is NSNull)
        let acd = try #require(json["acd"] as? [String: Any])
        #expect(Set(acd.keys) == ["state", "since", "wrapEndsAt", "queues"])
        #expect(acd["state"] as? String == "loggedOut")
        #expect(acd["wrapEndsAt"] is NSNull)
        #expect(acd["queues"] as? [String: Bool] == ["sales": true, "support": true, "billing": true])
    }

    @Test("updatedAt moves only when the agent object changed")
    func updatedAt() throws {
        var h = DeskHarness()
        h.advance(10)
        try h.command(.login)
        #expect(h.agent().updatedAt == h.now)
        let stamped = h.now
        h.advance(10)
        #expect(try h.command(.ready).isEmpty)
        #expect(h.agent().updatedAt == stamped)
    }

    @Test("notification JSON: type as the contract spells it, the call inside")
    func notificationJSON() throws {
        var h = DeskHarness()
        let effects = h.ring("alice-desk", "1", from: "+441632960123")
        let notification = try #require(effects.compactMap { effect -> AgentNotification? in
            if case .notify(_, let notification) = effect { return notification }
            return nil
        }.first)
        let json = try contractJSON(notification)
        #expect(json["type"] as? String == "call.incoming")
        #expect(json["at"] is String)
        #expect((json["call"] as? [String: Any])?["id"] as? String == "call-1")
    }
}
