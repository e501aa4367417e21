import CallModel
import Foundation
import PhoneDrivers
import Testing
import TestSupport

@Suite("Poly REST commands")
struct PolyRESTCommandTests {
    @Test("dial posts the documented JSON with Basic Polycom:<admin>, returns the new handle, and the notifications report the call")
    func dial() async throws {
        try await PolyTestRig.run { rig in
            let outcome = try await rig.driver.perform(.dial(try DialString(validating: "+44 1632 960123")))
            let dials = rig.requests(to: "/api/v1/callctrl/dial")
            #expect(dials.count == 1)
            let dial = try #require(dials.first)
            #expect(dial.method == "POST")
            #expect(dial.text == #"{"data":{"Dest":"+441632960123","Line":"1","Type":"TEL"}}"#)
            #expect(dial.header("content-type") == "application/json")
            #expect(dial.header("authorization") == polyBasic("Polycom", rig.emulator.configuration.adminPassword))
            let handle = try #require(rig.emulator.calls.first?.handle)
            #expect(outcome.callID == PhoneCallID(handle))

            let id = PhoneCallID(handle)
            let remote = CallParty(address: "+441632960123")
            let first = try await rig.events.waitFor(count: 2)
            #expect(first.map(\.kind) == [.serviceInitiated(call: id, remote: remote), .remoteAlerting(call: id)])
            #expect(first.allSatisfy { $0.phoneID == rig.configuration.id })

            rig.emulator.farEndAnswers(handle)
            let all = try await rig.events.waitFor(count: 3)
            #expect(all[2].kind == .established(call: id, remote: remote))
        }
    }

    @Test("a SIP URI is dialled with Type SIP")
    func dialSIP() async throws {
        try await PolyTestRig.run(options: ["dialHandleWaitSeconds": .number(0)]) { rig in
            let outcome = try await rig.driver.perform(.dial(try DialString(validating: "sip:alice@pbx.example.com")))
            #expect(outcome.callID == nil)
            #expect(rig.requests(to: "/api/v1/callctrl/dial").map(\.text) == [
                #"{"data":{"Dest":"sip:alice@pbx.example.com","Line":"1","Type":"SIP"}}"#
            ])
        }
    }

    @Test("the line option picks the dialling line")
    func dialOnLine2() async throws {
        try await PolyTestRig.run(options: ["line": .number(2)]) { rig in
            _ = try await rig.driver.perform(.dial(try DialString(validating: "1234")))
            #expect(rig.requests(to: "/api/v1/callctrl/dial").map(\.text) == [
                #"{"data":{"Dest":"1234","Line":"2","Type":"TEL"}}"#
            ])
        }
    }

    @Test("an inbound call is delivered with its CallReference; answer targets that handle; hold, resume and hang up follow")
    func inboundCallLifecycle() async throws {
        try await PolyTestRig.run { rig in
            let handle = rig.emulator.ring(from: "01632960999", name: "Bob Caller", dialled: "0800111222")
            let id = PhoneCallID(handle)
            let remote = CallParty(address: "01632960999", displayName: "Bob Caller")
            let delivered = try await rig.events.waitFor(count: 1)
            #expect(delivered[0].kind == .delivered(call: id, remote: remote, dialled: "0800111222"))

            #expect(try await rig.driver.perform(.answer(call: id)).callID == id)
            #expect(rig.requests(to: "/api/v1/callctrl/answerCall").map(\.text) == [#"{"data":{"Ref":"\#(handle)"}}"#])
            #expect(try await rig.events.waitFor(count: 2)[1].kind == .established(call: id, remote: remote))

            _ = try await rig.driver.perform(.hold(call: id))
            #expect(rig.requests(to: "/api/v1/callctrl/holdCall").map(\.text) == [#"{"data":{"Ref":"\#(handle)"}}"#])
            #expect(try await rig.events.waitFor(count: 3)[2].kind == .held(call: id))

            _ = try await rig.driver.perform(.resume(call: id))
            #expect(rig.requests(to: "/api/v1/callctrl/resumeCall").map(\.text) == [#"{"data":{"Ref":"\#(handle)"}}"#])
            #expect(try await rig.events.waitFor(count: 4)[3].kind == .retrieved(call: id))

            _ = try await rig.driver.perform(.hangup(call: id))
            #expect(rig.requests(to: "/api/v1/callctrl/endCall").map(\.text) == [#"{"data":{"Ref":"\#(handle)"}}"#])
            // The phone reports Disconnected and then Free: one cleared event.
            try await rig.waitForNotifications(count: 7)
            let all = try await rig.events.waitFor(count: 5)
            #expect(all.count == 5)
            #expect(all[4].kind == .connectionCleared(call: id, cause: .normal))
            #expect(rig.emulator.calls.isEmpty)
        }
    }

    @Test("answer without a call id finds the ringing call through callStatus")
    func answerWithoutCallID() async throws {
        try await PolyTestRig.run { rig in
            let handle = rig.emulator.ring(from: "2001")
            let outcome = try await rig.driver.perform(.answer(call: nil))
            #expect(outcome.callID == PhoneCallID(handle))
            let targets = rig.emulator.requests.map { "\($0.method) \($0.target)" }
            #expect(targets == ["GET /api/v1/webCallControl/callStatus", "POST /api/v1/callctrl/answerCall"])
            #expect(rig.emulator.calls.first?.state == "Connected")
        }
    }

    @Test("hang up without a call and with no call on the phone is noCall, and nothing is posted")
    func hangupWithoutCall() async throws {
        try await PolyTestRig.run { rig in
            await #expect(throws: PhoneCommandError.noCall("no call to hang up on phone \(rig.configuration.id)")) {
                try await rig.driver.perform(.hangup(call: nil))
            }
            #expect(rig.requests(to: "/api/v1/callctrl/endCall").isEmpty)
        }
    }

    @Test("REST Status codes become contract errors: 4007 noCall, 4003 invalidState, 4005 rejected")
    func statusCodes() async throws {
        try await PolyTestRig.run(options: ["line": .number(3)]) { rig in
            do {
                _ = try await rig.driver.perform(.answer(call: PhoneCallID("0xdeadbeef")))
                Issue.record("answering a call the phone does not have succeeded")
            } catch let error as PhoneCommandError {
                #expect(error.code == "noCall")
                #expect(error.message.contains("4007"))
            }
            let handle = rig.emulator.ring(from: "2001")
            do {
                _ = try await rig.driver.perform(.hold(call: PhoneCallID(handle)))
                Issue.record("holding a ringing call succeeded")
            } catch let error as PhoneCommandError {
                #expect(error.code == "invalidState")
                #expect(error.message.contains("4003"))
            }
            do {
                _ = try await rig.driver.perform(.dial(try DialString(validating: "1234")))
                Issue.record("dialling on a line the phone lacks succeeded")
            } catch let error as PhoneCommandError {
                #expect(error.code == "phoneRejected")
                #expect(error.message.contains("options.line"))
            }
        }
    }

    @Test("a wrong admin password is rejected with a message naming the fix and not the password")
    func wrongPassword() async throws {
        try await PolyTestRig.run(password: "wrong-S3cret") { rig in
            do {
                _ = try await rig.driver.perform(.dial(try DialString(validating: "1234")))
                Issue.record("dial with a wrong password succeeded")
            } catch let error as PhoneCommandError {
                #expect(error.code == "phoneRejected")
                #expect(error.message.contains("admin password"))
                #expect(!error.message.contains("wrong-S3cret"))
            }
            #expect(rig.emulator.calls.isEmpty)
        }
    }

    @Test("the factory admin password (4010) is rejected with the fix")
    func factoryPassword() async throws {
        var phone = PolyPhoneEmulator.Configuration()
        phone.factoryPassword = true
        try await PolyTestRig.run(emulator: phone) { rig in
            do {
                _ = try await rig.driver.perform(.hangup(call: PhoneCallID("0x1")))
                Issue.record("the phone accepted REST with its factory password")
            } catch let error as PhoneCommandError {
                #expect(error.code == "phoneRejected")
                #expect(error.message.contains("factory admin password"))
            }
            guard case .rejected(_, let message) = await rig.driver.probe() else {
                Issue.record("probe did not report the factory password"); return
            }
            #expect(message.contains("4010"))
        }
    }

    @Test("a phone without the REST API (404) is rejected, pointing at apps.restapi.enabled and api: push")
    func restDisabled() async throws {
        var phone = PolyPhoneEmulator.Configuration()
        phone.restEnabled = false
        try await PolyTestRig.run(emulator: phone) { rig in
            do {
                _ = try await rig.driver.perform(.dial(try DialString(validating: "1234")))
                Issue.record("dial succeeded on a phone without REST")
            } catch let error as PhoneCommandError {
                #expect(error.code == "phoneRejected")
                #expect(error.message.contains("apps.restapi.enabled=1"))
                #expect(error.message.contains("api: push"))
            }
        }
    }

    @Test("listCalls reads callStatus v1 (one call) and v2 (every call)", arguments: ["v1", "v2"])
    func listCalls(version: String) async throws {
        try await PolyTestRig.run(options: ["callStatusVersion": .string(version), "dialHandleWaitSeconds": .number(0)]) { rig in
            #expect(try await rig.driver.listCalls() == [])
            let inbound = rig.emulator.ring(from: "sip:2001@pbx", name: "Ann")
            _ = try await rig.driver.perform(.dial(try DialString(validating: "3003")))
            let outbound = try #require(rig.emulator.calls.last?.handle)
            let calls = try #require(try await rig.driver.listCalls())
            let expectedInbound = PhoneCallSnapshot(
                call: PhoneCallID(inbound), state: .alerting, direction: .inbound,
                remote: CallParty(address: "sip:2001@pbx", displayName: "Ann"))
            let expectedOutbound = PhoneCallSnapshot(
                call: PhoneCallID(outbound), state: .connected, direction: .outbound, remote: CallParty(address: "3003"))
            #expect(calls == (version == "v1" ? [expectedInbound] : [expectedInbound, expectedOutbound]))
            #expect(rig.requests(to: "/api/\(version)/webCallControl/callStatus").count >= 2)
        }
    }
}
