import CallModel
import Foundation
import PhoneDrivers
import Testing
import TestSupport

@Suite("Yealink driver: commands as the phone receives them")
struct YealinkCommandTests {
    @Test("dial sends key=number=<encoded> with the account, and the phone's outgoing_call becomes serviceInitiated")
    func dial() async throws {
        try await withYealink { yealink in
            let outcome = try await yealink.dial("+44 1632 960123")
            #expect(outcome.callID == nil)
            #expect(yealink.targets == ["/servlet?key=number=%2B441632960123&outgoing_uri=1001%40pbx.example.com"])
            #expect(yealink.emulator.dials.map(\.number) == ["+441632960123"])
            #expect(yealink.emulator.dials.map(\.outgoingURI) == ["1001@pbx.example.com"])
            let kinds = try await yealink.events.waitFor(count: 1)
            #expect(
                kinds == [
                    .serviceInitiated(
                        call: PhoneCallID("33093"), remote: CallParty(address: "sip:+441632960123@pbx.example.com"))
                ])
        }
    }

    @Test("an incoming call is answered with ASW:<call_id>, held, resumed and hung up by call id")
    func answerHoldResumeHangup() async throws {
        try await withYealink { yealink in
            let id = await yealink.emulator.ring(from: "01632960555", displayName: "Alice Example")
            let call = PhoneCallID(String(id))
            try await yealink.events.waitFor(count: 1)
            #expect(try await yealink.driver.perform(.answer(call: nil)).callID == call)
            #expect(try await yealink.driver.perform(.hold(call: nil)).callID == call)
            #expect(try await yealink.driver.perform(.resume(call: nil)).callID == call)
            #expect(try await yealink.driver.perform(.hangup(call: call)).callID == call)
            #expect(
                yealink.targets == [
                    "/servlet?key=ASW:\(id)", "/servlet?key=HOLD:\(id)", "/servlet?key=UNHOLD:\(id)",
                    "/servlet?key=CANCEL:\(id)",
                ])
            let remote = CallParty(address: "sip:01632960555@pbx.example.com", displayName: "Alice Example")
            let kinds = try await yealink.events.waitFor(count: 6)
            #expect(
                kinds == [
                    .delivered(call: call, remote: remote, dialled: nil), .established(call: call, remote: remote),
                    .held(call: call), .retrieved(call: call), .connectionCleared(call: call, cause: .normal), .idle,
                ])
            #expect(yealink.emulator.calls.isEmpty)
        }
    }

    @Test("without a known call the documented untargeted keys are sent: OK, F_HOLD, CALLEND")
    func untargetedKeys() async throws {
        try await withYealink { yealink in
            _ = try await yealink.driver.perform(.answer(call: nil))
            _ = try await yealink.driver.perform(.hold(call: nil))
            _ = try await yealink.driver.perform(.hangup(call: nil))
            #expect(yealink.targets == ["/servlet?key=OK", "/servlet?key=F_HOLD", "/servlet?key=CALLEND"])
        }
    }

    @Test("resume without a known held call fails with noCall and sends nothing")
    func resumeWithoutCall() async throws {
        try await withYealink { yealink in
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.resume(call: nil))
            }
            guard case .noCall = error else { Issue.record("expected noCall, got \(String(describing: error))"); return }
            #expect(yealink.targets.isEmpty)
        }
    }

    @Test("rejecting a ringing call with CANCEL:<id> reports the call as rejected")
    func rejectRinging() async throws {
        try await withYealink { yealink in
            let id = await yealink.emulator.ring(from: "0163")
            try await yealink.events.waitFor(count: 1)
            _ = try await yealink.driver.perform(.hangup(call: nil))
            #expect(yealink.targets == ["/servlet?key=CANCEL:\(id)"])
            let kinds = try await yealink.events.waitFor(count: 3)
            #expect(kinds[1] == .connectionCleared(call: PhoneCallID(String(id)), cause: .rejected))
        }
    }

    @Test("blind transfer types F_TRANSFER, one key per digit, F_TRANSFER; the event names the target")
    func blindTransfer() async throws {
        try await withYealink { yealink in
            let id = await yealink.emulator.ring(from: "0163")
            _ = try await yealink.driver.perform(.answer(call: nil))
            _ = try await yealink.driver.perform(.transfer(to: try DialString(validating: "20*2#"), call: nil))
            #expect(yealink.targets.last == "/servlet?key=F_TRANSFER;2;0;STAR;2;POUND;F_TRANSFER")
            #expect(yealink.emulator.transfers == [.init(call: id, to: "20*2#")])
            let kinds = try await yealink.events.waitFor(count: 4)
            #expect(kinds[2] == .transferred(call: PhoneCallID(String(id)), target: "20*2#"))
        }
    }

    @Test("a transfer to +E.164 is refused: the keypad cannot type '+'")
    func transferPlusRefused() async throws {
        try await withYealink { yealink in
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.transfer(to: try! DialString(validating: "+441632960123"), call: nil))
            }
            guard case .notSupported = error else { Issue.record("expected notSupported, got \(String(describing: error))"); return }
            #expect(yealink.targets.isEmpty)
        }
    }

    @Test("DND on and off send DNDOn/DNDOff and the phone's dnd_on/dnd_off come back as events")
    func doNotDisturb() async throws {
        try await withYealink { yealink in
            _ = try await yealink.driver.perform(.setDoNotDisturb(true))
            #expect(yealink.emulator.doNotDisturb)
            _ = try await yealink.driver.perform(.setDoNotDisturb(false))
            #expect(yealink.targets == ["/servlet?key=DNDOn", "/servlet?key=DNDOff"])
            let waited = try await yealink.events.waitFor(count: 2)
            #expect(waited == [.doNotDisturb(on: true), .doNotDisturb(on: false)])
        }
    }

    @Test("renamed DND keys, legacy path and the number= dial form are used when configured")
    func configuredVariants() async throws {
        let options: [String: DriverOptionValue] = [
            "path": .string("/cgi-bin/ConfigManApp.com"), "dialForm": .string("number"),
            "dndOnKey": .string("DND_ON"),
        ]
        try await withYealink(options: options) { yealink in
            _ = try await yealink.dial("*72#")
            _ = try await yealink.driver.perform(.setDoNotDisturb(true))
            #expect(
                yealink.targets == [
                    "/cgi-bin/ConfigManApp.com?number=%2A72%23", "/cgi-bin/ConfigManApp.com?key=DND_ON",
                ])
            #expect(yealink.emulator.dials.map(\.number) == ["*72#"])
            #expect(yealink.emulator.dials.map(\.outgoingURI) == [nil])
        }
    }

    @Test("forwarding is not offered: the Action URI has no forwarding key")
    func forwardingNotSupported() async throws {
        try await withYealink { yealink in
            #expect(!yealink.driver.capabilities.contains(.forward))
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.setForwarding(nil))
            }
            guard case .notSupported = error else { Issue.record("expected notSupported"); return }
            #expect(yealink.targets.isEmpty)
        }
    }

    @Test("a SIP URI is dialled as user@host, percent-encoded")
    func dialSIPURI() async throws {
        try await withYealink(options: [:]) { yealink in
            _ = try await yealink.dial("sip:alice@pbx.example.com")
            #expect(yealink.targets == ["/servlet?key=number=alice%40pbx.example.com"])
            #expect(yealink.emulator.dials.map(\.number) == ["alice@pbx.example.com"])
        }
    }
}
