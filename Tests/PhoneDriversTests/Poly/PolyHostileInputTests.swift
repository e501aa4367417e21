import CallModel
import Foundation
import PhoneDrivers
import Testing
import TestSupport

@Suite("Poly hostile callbacks")
struct PolyHostileInputTests {
    static let hostile: [(String, String)] = [
        ("XXE file read", """
            <?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>\
            <CallStateChangeEvent CallReference="0x1" CallState="Offering"><CallLineInfo><CallInfo>\
            <CallingPartyName>&x;</CallingPartyName></CallInfo></CallLineInfo></CallStateChangeEvent>
            """),
        ("billion laughs", """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\
            <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">\
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\
            <IncomingCallEvent CallReference="0x2"><CallingPartyName>&lol3;</CallingPartyName></IncomingCallEvent>
            """),
        ("oversized", #"<CallStateChangeEvent CallReference="0x3" CallState="Offering"><CallLineInfo><CallInfo><CallingPartyName>"#
            + String(repeating: "A", count: 70 * 1024) + "</CallingPartyName></CallInfo></CallLineInfo></CallStateChangeEvent>"),
        ("not XML", "CallState=Offering&CallReference=0x4"),
        ("truncated", #"<CallStateChangeEvent CallReference="0x5" CallState="Offering"><CallLineInfo>"#),
        ("deeply nested", String(repeating: "<CallStateChangeEvent>", count: 40) + String(repeating: "</CallStateChangeEvent>", count: 40)),
        ("unknown root", #"<Hello CallReference="0x6" CallState="Offering"/>"#),
        ("state change without a reference", #"<CallStateChangeEvent CallState="Offering"><CallLineInfo/></CallStateChangeEvent>"#),
        ("control characters in the reference", "<CallStateChangeEvent CallReference=\"0x7&#10;Key:Softkey1\" CallState=\"Offering\"/>"),
        ("a good event then a bad one", #"<PolycomIPPhone><CallStateChangeEvent CallReference="0x8" CallState="Offering"/><Bad/></PolycomIPPhone>"#),
        ("empty wrapper", "<PolycomIPPhone></PolycomIPPhone>"),
    ]

    @Test("hostile or invalid notifications are refused with 400 and emit nothing", arguments: hostile.map(\.0))
    func refused(name: String) async throws {
        let body = try #require(Self.hostile.first { $0.0 == name }?.1)
        try await PolyTestRig.run { rig in
            let status = try await rig.emulator.postNotification(body)
            #expect(status == 400)
            #expect(rig.events.all.count == 0)
        }
    }

    @Test("a GET, an empty body or another route is refused without events")
    func wrongShape() async throws {
        try await PolyTestRig.run { rig in
            let get = await rig.driver.receive(PhoneEventRequest(method: "GET", subpath: "telephony", query: []))
            guard case .malformed = get else { Issue.record("GET accepted: \(get)"); return }
            let empty = await rig.driver.receive(PhoneEventRequest(method: "POST", subpath: "telephony", query: []))
            guard case .malformed = empty else { Issue.record("empty body accepted: \(empty)"); return }
            let other = await rig.driver.receive(
                PhoneEventRequest(method: "POST", subpath: "incoming", query: [], body: Array("<OffHookEvent/>".utf8)))
            #expect(other == .unknownRoute)
            #expect(rig.events.all.isEmpty)
        }
    }

    @Test("callbacks with the wrong token never reach the driver")
    func wrongToken() async throws {
        try await PolyTestRig.run { rig in
            let url = try PolyTestRig.notificationURL(in: rig.provisioning)
            rig.emulator.setNotificationURL(url.replacingOccurrences(of: "token=", with: "token=x"))
            #expect(try await rig.emulator.postNotification(#"<CallStateChangeEvent CallReference="0x1" CallState="Offering"/>"#) == 403)
            #expect(rig.events.all.isEmpty)
        }
    }
}
