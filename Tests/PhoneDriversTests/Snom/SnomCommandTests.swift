import CallModel
import PhoneDrivers
import Testing
import TestSupport

@Suite("Snom commands")
struct SnomCommandTests {
    @Test("an inbound call answered, held, resumed and hung up sends exactly the documented key requests")
    func inboundCallLifecycle() async throws {
        try await withSnomPhone { phone in
            let callID = await phone.emulator.ringIncoming(from: "sip:01632960123@pbx.example.test", display: "Ada")
            _ = try await phone.driver.perform(.answer(call: nil))
            _ = try await phone.driver.perform(.hold(call: nil))
            _ = try await phone.driver.perform(.resume(call: nil))
            let outcome = try await phone.driver.perform(.hangup(call: nil))

            #expect(
                phone.emulator.commandTargets == [
                    "/command.htm?key=ENTER", "/command.htm?key=F_HOLD", "/command.htm?key=F_HOLD",
                    "/command.htm?key=CANCEL",
                ])
            #expect(outcome.callID == PhoneCallID(callID))
            #expect(phone.emulator.calls.isEmpty)
            let call = PhoneCallID(callID)
            let kinds = try await phone.events.waitFor(count: 5).map(\.kind)
            #expect(
                kinds == [
                    .delivered(
                        call: call, remote: CallParty(address: "sip:01632960123@pbx.example.test", displayName: "Ada"),
                        dialled: "100"),
                    .established(
                        call: call, remote: CallParty(address: "sip:01632960123@pbx.example.test", displayName: "Ada")),
                    .held(call: call), .retrieved(call: call), .connectionCleared(call: call, cause: .normal),
                ])
        }
    }

    @Test("dialling a number with + sends one number= request with + encoded as %2B, answered 302")
    func dialInternational() async throws {
        try await withSnomPhone { phone in
            _ = try await phone.driver.perform(.dial(snomDial("+44 1632 960123")))
            #expect(phone.emulator.commandTargets == ["/command.htm?number=%2B441632960123"])
            #expect(phone.emulator.calls.map(\.remote) == ["+441632960123"])
            let kinds = try await phone.events.waitFor(count: 1).map(\.kind)
            #expect(kinds.count == 1)
            guard case .serviceInitiated(_, let remote) = kinds.first else {
                Issue.record("expected serviceInitiated, got \(kinds)")
                return
            }
            #expect(remote.address == "+441632960123")
        }
    }

    @Test("a feature code *72# reaches the phone as one command with * and # encoded")
    func dialFeatureCode() async throws {
        try await withSnomPhone { phone in
            _ = try await phone.driver.perform(.dial(snomDial("*72#")))
            #expect(phone.emulator.commandTargets == ["/command.htm?number=%2A72%23"])
            #expect(phone.emulator.calls.map(\.remote) == ["*72#"])
        }
    }

    @Test("outgoingURI picks the account: outgoing_uri is sent percent-encoded")
    func dialWithAccount() async throws {
        try await withSnomPhone(options: ["outgoingURI": .string("sip:100@pbx.example.test")]) { phone in
            _ = try await phone.driver.perform(.dial(snomDial("2001")))
            #expect(phone.emulator.commandTargets == ["/command.htm?number=2001&outgoing_uri=sip%3A100%40pbx.example.test"])
        }
    }

    @Test(
        "hostile dial strings are refused before any driver sees them, so nothing reaches the phone",
        arguments: ["1234&key=OK", "1234;CALLEND", "12\"34", "12<x>", "12%0d%0a", "1234#&x=1"])
    func injectionRefused(raw: String) async throws {
        #expect(throws: DialStringError.self) { try DialString(validating: raw) }
        try await withSnomPhone { phone in
            if let dial = try? DialString(validating: raw) {
                _ = try? await phone.driver.perform(.dial(dial))
            }
            #expect(phone.emulator.commandTargets.isEmpty)
        }
    }

    @Test("blind transfer types TRANSFER, the digits one key each, then ENTER, and the call leaves the phone")
    func blindTransfer() async throws {
        try await withSnomPhone { phone in
            let callID = await phone.emulator.ringIncoming(from: "sip:200@pbx.example.test")
            _ = try await phone.driver.perform(.answer(call: nil))
            _ = try await phone.driver.perform(.transfer(to: snomDial("20#1"), call: PhoneCallID(callID)))
            #expect(phone.emulator.commandTargets.last == "/command.htm?key=TRANSFER;2;0;%23;1;ENTER")
            #expect(phone.emulator.lastTransferTarget == "20#1")
            let kinds = try await phone.events.waitFor(count: 3).map(\.kind)
            #expect(kinds.last == .transferred(call: PhoneCallID(callID), target: nil))
        }
    }

    @Test("a transfer key sequence from options replaces the default")
    func configuredTransferKeys() async throws {
        try await withSnomPhone(options: ["transferKeys": .string("TRANSFER, {number}, F4")]) { phone in
            _ = try await phone.driver.perform(.transfer(to: snomDial("42"), call: nil))
            #expect(phone.emulator.commandTargets == ["/command.htm?key=TRANSFER;4;2;F4"])
        }
    }

    @Test("a transfer target the keypad cannot type is refused without a request")
    func transferToPlusRefused() async throws {
        try await withSnomPhone { phone in
            let error = await snomCommandError { try await phone.driver.perform(.transfer(to: snomDial("+441632960123"), call: nil)) }
            guard case .invalidState(let message) = error else {
                Issue.record("expected invalidState, got \(String(describing: error))")
                return
            }
            #expect(message.contains("keypad"))
            #expect(phone.emulator.commandTargets.isEmpty)
        }
    }

    @Test("hold on a call the phone reported held is refused, because F_HOLD would resume it")
    func holdToggleGuard() async throws {
        try await withSnomPhone { phone in
            await phone.emulator.ringIncoming(from: "sip:200@pbx.example.test")
            _ = try await phone.driver.perform(.answer(call: nil))
            _ = try await phone.driver.perform(.hold(call: nil))
            let again = await snomCommandError { try await phone.driver.perform(.hold(call: nil)) }
            #expect(again?.code == "invalidState")
            _ = try await phone.driver.perform(.resume(call: nil))
            let resumeAgain = await snomCommandError { try await phone.driver.perform(.resume(call: nil)) }
            #expect(resumeAgain?.code == "invalidState")
            #expect(phone.emulator.commandTargets.filter { $0 == "/command.htm?key=F_HOLD" }.count == 2)
            #expect(phone.emulator.calls.first?.state == "connected")
        }
    }

    @Test("DND on presses the DND toggle once; asking again for the state the phone reported sends nothing")
    func doNotDisturb() async throws {
        try await withSnomPhone { phone in
            _ = try await phone.driver.perform(.setDoNotDisturb(true))
            _ = try await phone.driver.perform(.setDoNotDisturb(true))
            #expect(phone.emulator.commandTargets == ["/command.htm?key=DND"])
            #expect(phone.emulator.doNotDisturb)
            _ = try await phone.driver.perform(.setDoNotDisturb(false))
            #expect(!phone.emulator.doNotDisturb)
            let kinds = try await phone.events.waitFor(count: 2).map(\.kind)
            #expect(kinds == [.doNotDisturb(on: true), .doNotDisturb(on: false)])
        }
    }

    @Test("hangupKey RELEASE_ALL_CALLS ends every call with the bare RELEASE_ALL_CALLS request")
    func releaseAllCalls() async throws {
        try await withSnomPhone(options: ["hangupKey": .string("RELEASE_ALL_CALLS")]) { phone in
            _ = try await phone.driver.perform(.dial(snomDial("2001")))
            await phone.emulator.remoteAnswers()
            _ = try await phone.driver.perform(.hangup(call: nil))
            #expect(phone.emulator.commandTargets.last == "/command.htm?RELEASE_ALL_CALLS")
            #expect(phone.emulator.calls.isEmpty)
        }
    }

    @Test("answerKey and holdKey select OFFHOOK and the old-firmware F_R key")
    func alternativeKeys() async throws {
        try await withSnomPhone(options: ["answerKey": .string("OFFHOOK"), "holdKey": .string("F_R")]) { phone in
            await phone.emulator.ringIncoming(from: "sip:200@pbx.example.test")
            _ = try await phone.driver.perform(.answer(call: nil))
            _ = try await phone.driver.perform(.hold(call: nil))
            #expect(phone.emulator.commandTargets == ["/command.htm?key=OFFHOOK", "/command.htm?key=F_R"])
            #expect(phone.emulator.calls.first?.state == "held")
        }
    }
}
