import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("Calls built from phone events")
struct CallBuildingTests {
    @Test("an inbound call: incoming, connected, ended; numbers normalised and named from contacts")
    func inboundCall() throws {
        var h = DeskHarness()
        var effects = h.ring("alice-desk", "7", from: "sip:01632960123@pbx")
        #expect(effects.notifications() == [.callIncoming])
        let ringing = try #require(effects.changedCalls.first)
        #expect(ringing.id == "call-1")
        #expect(ringing.direction == .inbound)
        #expect(ringing.state == .alerting)
        #expect(ringing.phone == "alice-desk")
        #expect(ringing.remote == CallRemote(number: "+441632960123", name: "Bob Jones (Acme)"))
        #expect(ringing.startedAt == h.now)
        #expect(ringing.answeredAt == nil && ringing.endedAt == nil && ringing.cause == nil)
        #expect(h.agent().calls == [ringing])
        #expect(h.agent().onCall == false, "ringing is not being on a call")

        h.advance(3)
        effects = h.answer("alice-desk", "7")
        #expect(effects.notifications() == [.callConnected])
        #expect(effects.changedCalls.first?.state == .connected)
        #expect(effects.changedCalls.first?.answeredAt == h.now)
        #expect(h.agent().onCall)

        h.advance(60)
        effects = h.clear("alice-desk", "7")
        #expect(effects.notifications() == [.callEnded])
        let ended = try #require(effects.endedCalls.first)
        #expect(ended.state == .cleared)
        #expect(ended.cause == .normal)
        #expect(ended.endedAt == h.now)
        #expect(h.desk.liveCalls.isEmpty)
        #expect(h.agent().calls.isEmpty)
        #expect(effects.history == [HistoryEntry(endedCall: ended, missed: false)])
    }

    @Test("an outbound call: outgoing, then connected when the far end answers")
    func outboundCall() throws {
        var h = DeskHarness()
        var effects = h.dial("alice-desk", "9", to: "020 7946 0999")
        #expect(effects.notifications() == [.callOutgoing])
        let call = try #require(effects.changedCalls.first)
        #expect(call.direction == .outbound)
        #expect(call.state == .initiated)
        #expect(call.remote == CallRemote(number: "+442079460999", name: nil))
        effects = h.event("alice-desk", .remoteAlerting(call: PhoneCallID("9")))
        #expect(effects.isEmpty, "far-end ringing changes nothing published")
        h.advance(2)
        effects = h.answer("alice-desk", "9")
        #expect(effects.notifications() == [.callConnected])
        effects = h.clear("alice-desk", "9")
        #expect(effects.endedCalls.first?.cause == .normal)
        #expect(effects.history.first?.missed == false)
    }

    @Test("hold and resume notify and change the call state")
    func holdResume() throws {
        var h = DeskHarness()
        h.ring("alice-desk", "1", from: "+441632960123")
        h.answer("alice-desk", "1")
        var effects = h.event("alice-desk", .held(call: PhoneCallID("1")))
        #expect(effects.notifications() == [.callHeld])
        #expect(effects.changedCalls.first?.state == .held)
        #expect(h.agent().onCall, "a held call still counts as being on a call")
        effects = h.event("alice-desk", .retrieved(call: PhoneCallID("1")))
        #expect(effects.notifications() == [.callResumed])
        #expect(effects.changedCalls.first?.state == .connected)
        // Some phones report a retrieve as a second "established".
        h.event("alice-desk", .held(call: PhoneCallID("1")))
        effects = h.answer("alice-desk", "1")
        #expect(effects.notifications() == [.callResumed])
        #expect(h.desk.liveCalls.first?.answeredAt == DeskHarness.start, "answeredAt is the first connect")
    }

    struct Ending: Sendable, CustomStringConvertible {
        var answered: Bool
        var kind: PhoneEvent.Kind
        var cause: ClearCause
        var missed: Bool
        var state: ConnectionState = .cleared
        var description: String { "\(answered ? "answered" : "unanswered") \(kind) → \(cause)\(missed ? " (missed)" : "")" }
    }

    static let vendor = PhoneCallID("5")
    static let inboundEndings: [Ending] = [
        Ending(answered: true, kind: .connectionCleared(call: vendor, cause: .normal), cause: .normal, missed: false),
        Ending(answered: true, kind: .connectionCleared(call: vendor, cause: .failed), cause: .failed, missed: false),
        Ending(answered: true, kind: .transferred(call: vendor, target: "202"), cause: .normal, missed: false),
        Ending(answered: false, kind: .connectionCleared(call: vendor, cause: .normal), cause: .missed, missed: true),
        Ending(answered: false, kind: .connectionCleared(call: vendor, cause: .missed), cause: .missed, missed: true),
        Ending(answered: false, kind: .connectionCleared(call: vendor, cause: .rejected), cause: .rejected, missed: false),
        Ending(answered: false, kind: .connectionCleared(call: vendor, cause: .busy), cause: .busy, missed: false),
        Ending(answered: false, kind: .diverted(call: vendor, target: "+447700900123"), cause: .normal, missed: false),
        Ending(answered: false, kind: .transferred(call: vendor, target: "202"), cause: .normal, missed: false),
        Ending(answered: false, kind: .rebooted, cause: .failed, missed: false),
    ]

    @Test("how an inbound call ends: cause, missed flag, notifications", arguments: inboundEndings)
    func inboundEnding(_ row: Ending) throws {
        var h = DeskHarness()
        h.ring("alice-desk", "5", from: "+441632960123")
        if row.answered { h.answer("alice-desk", "5") }
        h.advance(10)
        let effects = h.event("alice-desk", row.kind)
        let ended = try #require(effects.endedCalls.first)
        #expect(ended.cause == row.cause)
        #expect(ended.state == row.state)
        #expect(effects.notifications() == (row.missed ? [.callEnded, .callMissed] : [.callEnded]))
        #expect(effects.history.map(\.missed) == [row.missed])
        #expect(h.desk.history(agent: "alice", missedOnly: true)?.count == (row.missed ? 1 : 0))
    }

    static let outboundEndings: [Ending] = [
        Ending(answered: false, kind: .connectionCleared(call: vendor, cause: .busy), cause: .busy, missed: false, state: .failed),
        Ending(answered: false, kind: .connectionCleared(call: vendor, cause: .rejected), cause: .rejected, missed: false, state: .failed),
        Ending(answered: false, kind: .connectionCleared(call: vendor, cause: .failed), cause: .failed, missed: false, state: .failed),
        Ending(answered: false, kind: .connectionCleared(call: vendor, cause: .normal), cause: .normal, missed: false),
        Ending(answered: false, kind: .connectionCleared(call: vendor, cause: .missed), cause: .normal, missed: false),
        Ending(answered: true, kind: .connectionCleared(call: vendor, cause: .normal), cause: .normal, missed: false),
    ]

    @Test("how an outbound call ends: never missed, failed attempts are `failed`", arguments: outboundEndings)
    func outboundEnding(_ row: Ending) throws {
        var h = DeskHarness()
        h.dial("alice-desk", "5", to: "+441632960123")
        if row.answered { h.answer("alice-desk", "5") }
        let effects = h.event("alice-desk", row.kind)
        let ended = try #require(effects.endedCalls.first)
        #expect(ended.cause == row.cause)
        #expect(ended.state == row.state)
        #expect(effects.notifications() == [.callEnded])
    }

    @Test("a transfer away ends her call; events for unknown calls or phones change nothing")
    func transferAndUnknown() {
        var h = DeskHarness()
        h.ring("alice-desk", "1", from: "+441632960123")
        h.answer("alice-desk", "1")
        #expect(h.event("alice-desk", .held(call: PhoneCallID("nope"))).isEmpty)
        #expect(h.event("alice-desk", .connectionCleared(call: PhoneCallID("nope"), cause: .normal)).isEmpty)
        #expect(h.event("unknown-phone", .delivered(call: PhoneCallID("1"), remote: CallParty(address: "1"), dialled: nil)).isEmpty)
        let effects = h.event("alice-desk", .transferred(call: PhoneCallID("1"), target: "202"))
        #expect(effects.endedCalls.count == 1)
        #expect(h.desk.liveCalls.isEmpty)
    }

    @Test("a connected call the bridge never saw start is adopted as connected")
    func adoptsUnknownConnectedCall() throws {
        var h = DeskHarness()
        let effects = h.event("alice-desk", .established(call: PhoneCallID("x"), remote: CallParty(address: "202")))
        let call = try #require(effects.changedCalls.first)
        #expect(call.state == .connected)
        #expect(call.remote == CallRemote(number: "202", name: "Bob Jones"))
        #expect(h.agent().onCall)
    }

    @Test("a duplicate delivered event does not create a second call")
    func duplicateDelivered() {
        var h = DeskHarness()
        h.ring("alice-desk", "1", from: "+441632960123")
        #expect(h.ring("alice-desk", "1", from: "+441632960123").isEmpty)
        #expect(h.desk.liveCalls.count == 1)
    }

    @Test("anonymous callers, SIP users, and display names as a last resort")
    func remoteParties() throws {
        var h = DeskHarness()
        var effects = h.event("carol-desk", .delivered(call: PhoneCallID("1"), remote: CallParty(address: nil), dialled: nil))
        #expect(effects.changedCalls.first?.remote == CallRemote(number: "anonymous", name: nil))
        effects = h.event("carol-desk", .delivered(
            call: PhoneCallID("2"), remote: CallParty(address: "sip:alice@pbx.example", displayName: "Fake Name"), dialled: nil))
        #expect(effects.changedCalls.first?.remote == CallRemote(number: "alice", name: "Alice Smith"))
        effects = h.event("carol-desk", .delivered(
            call: PhoneCallID("3"), remote: CallParty(address: "+447700900999", displayName: "Dr\u{7}Who"), dialled: nil))
        #expect(effects.changedCalls.first?.remote == CallRemote(number: "+447700900999", name: "Dr Who"))
    }

    @Test("call ids come from the generator and are made topic-safe and unique among live calls")
    func topicSafeIDs() throws {
        var h = DeskHarness()
        h.desk = AgentDesk(configuration: DeskHarness.configuration, now: h.now, makeCallID: { "a/b+#c" })
        h.ring("carol-desk", "1", from: "+441632960123")
        h.ring("carol-desk", "2", from: "+441632960124")
        #expect(h.desk.liveCalls.map(\.id) == ["abc", "abc-2"])
    }

    @Test("call object JSON: contract field names and explicit nulls")
    func callJSON() throws {
        var h = DeskHarness()
        h.ring("carol-desk", "1", from: "+447700900999")
        let json = try contractJSON(try #require(h.desk.liveCalls.first))
        #expect(Set(json.keys) == [
            "id", "agent", "phone", "direction", "state", "remote", "queue", "routePath", "startedAt", "answeredAt",
            "endedAt", "cause",
        ])
        for key in ["queue", "routePath", "answeredAt", "endedAt", "cause"] { #expect(json[key] is NSNull, "\(key)") }
        let remote = try #require(json["remote"] as? [String: Any])
        #expect(remote["number"] as? String == "+447700900999")
        #expect(remote["name"] is NSNull)
        #expect(json["direction"] as? String == "inbound")
        #expect(json["state"] as? String == "alerting")
    }
}
