import CallModel
import Foundation
import PhoneDrivers
import Testing
import TestSupport

@Suite("Yealink driver: Action URL events through a real HTTP ingress")
struct YealinkEventTests {
    @Test("a call nobody answers: incoming_call → delivered, missed_call → cleared(missed)")
    func missedCall() async throws {
        try await withYealink { yealink in
            let id = await yealink.emulator.ring(from: "01632960555", displayName: "Bob")
            await yealink.emulator.remoteHangsUp(id)
            let call = PhoneCallID(String(id))
            let kinds = try await yealink.events.waitFor(count: 3)
            #expect(kinds[1] == .connectionCleared(call: call, cause: .missed))
            #expect(kinds.last == .idle, "busy_to_idle follows the phone's last call")
            #expect(yealink.emulator.firedCallbacks.map(\.event) == ["incoming_call", "missed_call", "busy_to_idle"])
            #expect(yealink.emulator.firedCallbacks.map(\.status) == [200, 200, 200])
            #expect(yealink.events.all.allSatisfy { $0.phoneID == yealink.configuration.id })
        }
    }

    @Test(
        "each Yealink call event is normalised",
        arguments: [
            ("call_remote_canceled", PhoneEvent.Kind.connectionCleared(call: PhoneCallID("33093"), cause: .missed)),
            ("remote_busy", .connectionCleared(call: PhoneCallID("33093"), cause: .busy)),
            ("cancel_callout", .connectionCleared(call: PhoneCallID("33093"), cause: .normal)),
            ("reject_incoming_call", .connectionCleared(call: PhoneCallID("33093"), cause: .rejected)),
            ("call_terminated", .connectionCleared(call: PhoneCallID("33093"), cause: .normal)),
            ("forward_incoming_call", .diverted(call: PhoneCallID("33093"), target: nil)),
            ("transfer_finished", .transferred(call: PhoneCallID("33093"), target: nil)),
            ("hold", .held(call: PhoneCallID("33093"))),
            ("unhold", .retrieved(call: PhoneCallID("33093"))),
        ])
    func callEvent(event: String, expected: PhoneEvent.Kind) async throws {
        try await withYealink { yealink in
            let id = await yealink.emulator.ring(from: "0163")
            #expect(id == 33093)
            let fired = await yealink.emulator.fire(event, callID: id)
            #expect(fired?.status == 200)
            let kinds = try await yealink.events.waitFor(count: 2)
            #expect(kinds.count == 2)
            #expect(kinds.last == expected)
        }
    }

    @Test("setup_completed is a reboot; dnd_on/dnd_off are DND changes; busy_to_idle says the phone has no call")
    func deviceEvents() async throws {
        try await withYealink { yealink in
            await yealink.emulator.reboot()
            await yealink.emulator.fire("dnd_on", callID: nil)
            await yealink.emulator.fire("dnd_off", callID: nil)
            await yealink.emulator.fire("busy_to_idle", callID: nil)
            let waited = try await yealink.events.waitFor(count: 4)
            #expect(waited == [.rebooted, .doNotDisturb(on: true), .doNotDisturb(on: false), .idle])
        }
    }

    @Test("known events without a CSTA meaning (held, unheld, off_hook) are acknowledged and emit nothing")
    func ignoredEvents() async throws {
        try await withYealink { yealink in
            let id = await yealink.emulator.ring(from: "0163")
            try await yealink.events.waitFor(count: 1)
            for event in ["held", "unheld", "off_hook"] {
                yealink.emulator.setActionURL(event, "\(yealink.ingress.eventBaseURL)/\(event)?token=\(yealink.ingress.token)&call_id=$call_id")
                let fired = await yealink.emulator.fire(event, callID: id)
                #expect(fired?.status == 200)
            }
            #expect(yealink.events.kinds.count == 1)
        }
    }

    @Test("display names the phone does not encode ('&', spaces) do not break the event")
    func unencodedValues() async throws {
        try await withYealink { yealink in
            yealink.emulator.setValueEncoding(.unencoded)
            let id = await yealink.emulator.ring(from: "0163", displayName: "Smith & Sons Ltd")
            let kinds = try await yealink.events.waitFor(count: 1)
            guard case .delivered(let call, let remote, _) = kinds[0] else { Issue.record("expected delivered"); return }
            #expect(call == PhoneCallID(String(id)))
            #expect(remote.address == "sip:0163@pbx.example.com")
            #expect(remote.displayName == "Smith")
        }
    }

    @Test("an encoded display name with '&' and control characters arrives whole and cleaned")
    func encodedHostileDisplayName() async throws {
        try await withYealink { yealink in
            await yealink.emulator.ring(from: "0163", displayName: "A&B\r\nX-Evil: 1")
            let kinds = try await yealink.events.waitFor(count: 1)
            guard case .delivered(_, let remote, _) = kinds[0] else { Issue.record("expected delivered"); return }
            #expect(remote.displayName == "A&BX-Evil: 1")
        }
    }

    @Test("dialledVariable asks the phone for the dialled number, which arrives in delivered")
    func dialledNumber() async throws {
        try await withYealink(options: ["dialledVariable": .string("$calledNumber")]) { yealink in
            #expect(yealink.provisioningText.contains("&dialled=$calledNumber"))
            await yealink.emulator.ring(from: "0163", dialled: "0800123")
            let kinds = try await yealink.events.waitFor(count: 1)
            guard case .delivered(_, _, let dialled) = kinds[0] else { Issue.record("expected delivered"); return }
            #expect(dialled == "0800123")
        }
    }

    @Test(
        "malformed callbacks are refused with 400 and emit nothing",
        arguments: [
            "incoming_call?call_id=&remote=sip:1@x",
            "incoming_call?remote=sip:1@x",
            "incoming_call?call_id=$call_id&remote=$remote",
            "call_established?call_id=1%3BCALLEND",
            "call_terminated?call_id=" + String(repeating: "9", count: 40),
        ])
    func malformed(pathAndQuery: String) async throws {
        try await withYealink { yealink in
            let separator = pathAndQuery.contains("?") ? "&" : "?"
            let answer = try await YealinkCallbackSender.get(
                "\(yealink.ingress.eventBaseURL)/\(pathAndQuery)\(separator)token=\(yealink.ingress.token)")
            #expect(answer.status == 400)
            #expect(yealink.events.kinds.isEmpty)
        }
    }

    @Test("a POST or an unknown event name is refused and emits nothing")
    func wrongMethodAndUnknownEvent() async throws {
        try await withYealink { yealink in
            let post = await yealink.driver.receive(
                PhoneEventRequest(method: "POST", subpath: "incoming_call", query: [("call_id", "1")]))
            guard case .malformed = post else { Issue.record("expected malformed, got \(post)"); return }
            let unknown = try await YealinkCallbackSender.get(
                "\(yealink.ingress.eventBaseURL)/ring_ring?token=\(yealink.ingress.token)&call_id=1")
            #expect(unknown.status == 404)
            #expect(yealink.events.kinds.isEmpty)
        }
    }
}
