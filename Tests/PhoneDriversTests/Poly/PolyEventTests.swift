import CallModel
import Foundation
import PhoneDrivers
import Testing
import TestSupport

@Suite("Poly telephony notifications")
struct PolyEventTests {
    @Test("provisioning prints apps.telNotification.* with the token and every call event switched on")
    func provisioning() async throws {
        try await PolyTestRig.run { rig in
            let url = try PolyTestRig.notificationURL(in: rig.provisioning)
            #expect(url.hasPrefix(rig.ingress.eventBaseURL + "/telephony?token="))
            for line in [
                #"apps.telNotification.incomingEvent="1""#, #"apps.telNotification.outgoingEvent="1""#,
                #"apps.telNotification.offhookEvent="1""#, #"apps.telNotification.onhookEvent="1""#,
                #"apps.telNotification.callStateChangeEvent="1""#, #"apps.restapi.enabled="1""#,
                #"httpd.enabled="1""#, "<PHONE_CONFIG>", "127.0.0.1",
            ] {
                #expect(rig.provisioning.contains(line), "missing \(line)")
            }
            #expect(!rig.provisioning.contains(rig.emulator.configuration.adminPassword))
        }
    }

    @Test("push provisioning prints apps.push.* without the password itself")
    func pushProvisioning() async throws {
        try await PolyTestRig.run(options: ["api": .string("push")]) { rig in
            #expect(rig.provisioning.contains(#"apps.push.username="pushuser""#))
            #expect(rig.provisioning.contains(#"apps.push.messageType="4""#))
            #expect(rig.provisioning.contains("apps.push.password="))
            #expect(!rig.provisioning.contains(rig.emulator.configuration.pushPassword))
        }
    }

    @Test("an unanswered inbound call ends as missed")
    func missed() async throws {
        try await PolyTestRig.run { rig in
            let handle = rig.emulator.ring(from: "2001")
            rig.emulator.farEndHangsUp(handle)
            let events = try await rig.events.waitFor(count: 2)
            #expect(events[1].kind == .connectionCleared(call: PhoneCallID(handle), cause: .missed))
        }
    }

    @Test("an outbound call the far end ends is cleared normal")
    func outboundCleared() async throws {
        try await PolyTestRig.run { rig in
            _ = try await rig.driver.perform(.dial(try DialString(validating: "1234")))
            let handle = try #require(rig.emulator.calls.first?.handle)
            rig.emulator.farEndAnswers(handle)
            rig.emulator.farEndHangsUp(handle)
            let events = try await rig.events.waitFor(count: 4)
            #expect(events[3].kind == .connectionCleared(call: PhoneCallID(handle), cause: .normal))
        }
    }

    @Test("SIP 3.1-era notifications wrapped in <PolycomIPPhone> give the same events")
    func legacyWrapper() async throws {
        var phone = PolyPhoneEmulator.Configuration()
        phone.legacyNotificationWrapper = true
        try await PolyTestRig.run(emulator: phone) { rig in
            let handle = rig.emulator.ring(from: "2001", name: "Ann")
            let events = try await rig.events.waitFor(count: 1)
            #expect(events[0].kind == .delivered(
                call: PhoneCallID(handle), remote: CallParty(address: "2001", displayName: "Ann"), dialled: "1001"))
        }
    }

    @Test("hook events are accepted and change no call")
    func hookEvents() async throws {
        try await PolyTestRig.run { rig in
            rig.emulator.hook(off: true)
            rig.emulator.hook(off: false)
            try await rig.waitForNotifications(count: 2)
            #expect(rig.emulator.notificationStatuses == [200, 200])
            #expect(rig.events.all.isEmpty)
        }
    }

    @Test("a repeated state is reported once; held by the far end stays connected")
    func duplicatesAndRemoteHold() async throws {
        try await PolyTestRig.run { rig in
            let handle = rig.emulator.ring(from: "2001")
            _ = try await rig.driver.perform(.answer(call: PhoneCallID(handle)))
            _ = try await rig.events.waitFor(count: 2)
            for state in ["Connected", "Held", "Connected"] {
                let status = try await rig.emulator.postNotification(
                    #"<CallStateChangeEvent CallReference="\#(handle)" CallState="\#(state)"><CallLineInfo><CallInfo><CallType>Incoming</CallType></CallInfo></CallLineInfo></CallStateChangeEvent>"#)
                #expect(status == 200)
            }
            #expect(rig.events.all.count == 2)
        }
    }

    @Test("a CallStateChangeEvent without attributes reports every CallInfo block")
    func callInfoBlocks() async throws {
        try await PolyTestRig.run { rig in
            let xml = """
                <CallStateChangeEvent CallReference=" " CallState=" "><CallLineInfo><LineState>Active</LineState>\
                <CallInfo><CallState>Offering</CallState><CallType>Incoming</CallType>\
                <CallingPartyName>Ann</CallingPartyName><CallingPartyDirNum>2001@10.0.0.1</CallingPartyDirNum>\
                <CalledPartyDirNum>1001</CalledPartyDirNum><CallReference>0x11</CallReference></CallInfo>\
                <CallInfo><CallState>Setup</CallState><CallType>Outgoing</CallType>\
                <CalledPartyDirNum>3003</CalledPartyDirNum><CallReference>0x22</CallReference></CallInfo>\
                </CallLineInfo></CallStateChangeEvent>
                """
            let status = try await rig.emulator.postNotification(xml)
            #expect(status == 200)
            #expect(rig.events.kinds == [
                .delivered(call: PhoneCallID("0x11"), remote: CallParty(address: "2001@10.0.0.1", displayName: "Ann"), dialled: "1001"),
                .serviceInitiated(call: PhoneCallID("0x22"), remote: CallParty(address: "3003")),
            ])
        }
    }

    @Test("an IncomingCallEvent that carries a CallReference is delivered once with the state change")
    func incomingWithReference() async throws {
        try await PolyTestRig.run { rig in
            let incoming = """
                <IncomingCallEvent CallReference="0x99"><CallingPartyName>Ann</CallingPartyName>\
                <CallingPartyNumber>2001</CallingPartyNumber><CalledPartyNumber>0800123</CalledPartyNumber></IncomingCallEvent>
                """
            let first = try await rig.emulator.postNotification(incoming)
            let second = try await rig.emulator.postNotification(
                #"<CallStateChangeEvent CallReference="0x99" CallState="Offering"/>"#)
            #expect(first == 200)
            #expect(second == 200)
            #expect(rig.events.kinds == [
                .delivered(call: PhoneCallID("0x99"), remote: CallParty(address: "2001", displayName: "Ann"), dialled: "0800123")
            ])
        }
    }
}
