import CallModel
import Foundation
@testable import PhoneDrivers
import Testing

@Suite("baresip events → normalised events")
struct BaresipEventTranslationTests {
    private func event(_ type: String, id: String = "c1", direction: String, param: String? = nil) -> BaresipMessage {
        var fields = #"{"event":true,"type":"\#(type)","class":"call","direction":"\#(direction)","peeruri":"sip:bob@pbx","id":"\#(id)""#
        if let param { fields += #","param":"\#(param)""# }
        return BaresipMessage(json: Array((fields + "}").utf8))!
    }

    private func tracker(_ collector: EventCollector) -> BaresipCallTracker {
        BaresipCallTracker(phoneID: "desk", sink: collector.sink, now: { Date(timeIntervalSince1970: 0) })
    }

    @Test("an inbound call: delivered, established, cleared normal; media events change nothing")
    func inbound() async {
        let collector = EventCollector()
        let calls = tracker(collector)
        await calls.apply(event("CALL_INCOMING", direction: "incoming"))
        await calls.apply(event("CALL_LOCAL_SDP", direction: "incoming", param: "answer"))
        await calls.apply(event("CALL_ESTABLISHED", direction: "incoming"))
        await calls.apply(event("CALL_RTCP", direction: "incoming", param: "audio"))
        await calls.apply(event("CALL_CLOSED", direction: "incoming", param: "Connection reset by peer"))
        let bob = CallParty(address: "sip:bob@pbx")
        #expect(collector.kinds == [
            .delivered(call: PhoneCallID("c1"), remote: bob, dialled: nil),
            .established(call: PhoneCallID("c1"), remote: bob),
            .connectionCleared(call: PhoneCallID("c1"), cause: .normal),
        ])
        #expect(collector.all.allSatisfy { $0.phoneID == "desk" })
    }

    @Test("an outbound call in 1.0.0 starts with the SDP offer; the dial read-back does not repeat it")
    func outbound() async {
        let collector = EventCollector()
        let calls = tracker(collector)
        await calls.apply(event("CALL_LOCAL_SDP", direction: "outgoing", param: "offer"))
        await calls.dialled("c1", remote: CallParty(address: "sip:bob@pbx"))
        await calls.apply(event("CALL_RINGING", direction: "outgoing"))
        await calls.apply(event("CALL_RINGING", direction: "outgoing"))
        await calls.apply(event("CALL_ESTABLISHED", direction: "outgoing"))
        await calls.holdChanged("c1", held: true)
        await calls.holdChanged("c1", held: true)
        await calls.apply(event("CALL_RESUME", direction: "outgoing"))
        await calls.apply(event("CALL_CLOSED", direction: "outgoing", param: "Connection reset by user"))
        let id = PhoneCallID("c1")
        #expect(collector.kinds == [
            .serviceInitiated(call: id, remote: CallParty(address: "sip:bob@pbx")),
            .remoteAlerting(call: id),
            .established(call: id, remote: CallParty(address: "sip:bob@pbx")),
            .held(call: id),
            .retrieved(call: id),
            .connectionCleared(call: id, cause: .normal),
        ])
    }

    @Test("newer baresip's CALL_OUTGOING, CALL_HOLD and CALL_REDIRECT map too")
    func newerEvents() async {
        let collector = EventCollector()
        let calls = tracker(collector)
        await calls.apply(event("CALL_OUTGOING", direction: "outgoing"))
        await calls.apply(event("CALL_ESTABLISHED", direction: "outgoing"))
        await calls.apply(event("CALL_HOLD", direction: "outgoing"))
        await calls.apply(event("CALL_INCOMING", id: "c2", direction: "incoming"))
        await calls.apply(event("CALL_REDIRECT", id: "c2", direction: "incoming", param: "sip:voicemail@pbx"))
        #expect(collector.kinds.count == 5)
        #expect(collector.kinds[2] == .held(call: PhoneCallID("c1")))
        #expect(collector.kinds[4] == .diverted(call: PhoneCallID("c2"), target: "sip:voicemail@pbx"))
    }

    @Test("a transfer the bridge asked for ends as transferred to its target")
    func transferred() async {
        let collector = EventCollector()
        let calls = tracker(collector)
        await calls.apply(event("CALL_INCOMING", direction: "incoming"))
        await calls.apply(event("CALL_ESTABLISHED", direction: "incoming"))
        await calls.transferRequested("c1", target: "sip:carol@pbx")
        await calls.apply(event("CALL_CLOSED", direction: "incoming", param: "Call transfered"))
        #expect(collector.kinds.last == .transferred(call: PhoneCallID("c1"), target: "sip:carol@pbx"))
    }

    @Test("why a call that never connected ended", arguments: [
        (false, "Connection reset by user", ClearCause.rejected),
        (false, "Connection reset by peer", .missed),
        (false, "Request Terminated", .missed),
        (true, "486 Busy Here", .busy),
        (true, "600 Busy Everywhere", .busy),
        (true, "486 Rejected", .rejected),
        (true, "603 Decline", .rejected),
        (true, "404 Not Found", .failed),
        (true, "408 Request Timeout", .failed),
        (true, "487 Request Terminated", .normal),
        (true, "Connection reset by user", .normal),
    ])
    func neverConnected(outgoing: Bool, param: String, expected: ClearCause) async {
        let collector = EventCollector()
        let calls = tracker(collector)
        let direction = outgoing ? "outgoing" : "incoming"
        await calls.apply(event(outgoing ? "CALL_LOCAL_SDP" : "CALL_INCOMING", direction: direction, param: "offer"))
        await calls.apply(event("CALL_CLOSED", direction: direction, param: param))
        #expect(collector.kinds.last == .connectionCleared(call: PhoneCallID("c1"), cause: expected))
    }

    @Test("a dial refused at once (only CALL_CLOSED carries the id) still starts and ends the call")
    func refusedDial() async {
        let collector = EventCollector()
        let calls = tracker(collector)
        await calls.expectDial("sip:bob@pbx")
        await calls.apply(event("CALL_CLOSED", direction: "outgoing", param: "404 Not Found"))
        await calls.apply(event("CALL_CLOSED", id: "c2", direction: "outgoing", param: "404 Not Found"))
        #expect(collector.kinds == [
            .serviceInitiated(call: PhoneCallID("c1"), remote: CallParty(address: "sip:bob@pbx")),
            .connectionCleared(call: PhoneCallID("c1"), cause: .failed),
            .connectionCleared(call: PhoneCallID("c2"), cause: .failed),
        ])
    }

    @Test("a call closed that the driver never saw start is cleared without guessing missed")
    func unknownCall() async {
        let collector = EventCollector()
        let calls = tracker(collector)
        await calls.apply(event("CALL_CLOSED", id: "old", direction: "incoming", param: "Connection reset by peer"))
        await calls.apply(event("CALL_RTCP", id: "old2", direction: "outgoing", param: "audio"))
        #expect(collector.kinds == [.connectionCleared(call: PhoneCallID("old"), cause: .normal)])
    }

    @Test("events without a call id, and registration events, emit nothing")
    func nonCallEvents() async {
        let collector = EventCollector()
        let calls = tracker(collector)
        await calls.apply(BaresipMessage(json: Array(#"{"event":true,"type":"REGISTER_OK","class":"register"}"#.utf8))!)
        await calls.apply(BaresipMessage(json: Array(#"{"event":true,"type":"CALL_INCOMING","id":""}"#.utf8))!)
        #expect(collector.kinds.isEmpty)
    }
}
