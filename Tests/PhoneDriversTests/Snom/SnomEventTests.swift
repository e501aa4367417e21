import CallModel
import PhoneDrivers
import Testing
import TestSupport

@Suite("Snom action-URL events")
struct SnomEventTests {
    @Test("an outbound call: outgoing, connected when the far end answers, cleared when it hangs up")
    func outboundCall() async throws {
        try await withSnomPhone { phone in
            _ = try await phone.driver.perform(.dial(snomDial("2001")))
            await phone.emulator.remoteAnswers()
            await phone.emulator.remoteHangsUp()
            let events = try await phone.events.waitFor(count: 3)
            let call = try #require(events.first?.callID)
            #expect(
                events.map(\.kind) == [
                    .serviceInitiated(call: call, remote: CallParty(address: "2001")),
                    .established(call: call, remote: CallParty(address: "2001")),
                    .connectionCleared(call: call, cause: .normal),
                ])
            #expect(events.allSatisfy { $0.phoneID == "desk-7" })
            #expect(phone.ingress.statuses == [200, 200, 200])
        }
    }

    @Test("an unanswered outbound call cancelled as busy clears with cause busy")
    func busy() async throws {
        try await withSnomPhone { phone in
            _ = try await phone.driver.perform(.dial(snomDial("2001")))
            await phone.emulator.remoteHangsUp(cancelReason: "SIP;cause=486;text=\"Busy Here\"")
            let kinds = try await phone.events.waitFor(count: 2).map(\.kind)
            guard case .connectionCleared(_, let cause) = kinds.last else {
                Issue.record("expected a clear, got \(kinds)")
                return
            }
            #expect(cause == .busy)
        }
    }

    @Test("a caller who gives up produces a missed call; a late disconnected report for it is not a second clear")
    func missedCall() async throws {
        try await withSnomPhone { phone in
            let callID = await phone.emulator.ringIncoming(from: "sip:0163@pbx.example.test")
            await phone.emulator.callerGivesUp()
            let call = PhoneCallID(callID)
            let result = await phone.receive("disconnected", [("call_id", callID), ("remote", "sip:0163@pbx.example.test")])
            #expect(result == .accepted(body: "OK"))
            let kinds = try await phone.events.waitFor(count: 2).map(\.kind)
            #expect(kinds.last == .connectionCleared(call: call, cause: .missed))
            #expect(phone.events.all.count == 2)
        }
    }

    @Test("an inbound call that ends unanswered with only a disconnected report is missed")
    func disconnectedWhileRinging() async throws {
        try await withSnomPhone { phone in
            let callID = await phone.emulator.ringIncoming(from: "sip:0163@pbx.example.test")
            await phone.emulator.remoteHangsUp()
            let kinds = try await phone.events.waitFor(count: 2).map(\.kind)
            #expect(kinds.last == .connectionCleared(call: PhoneCallID(callID), cause: .missed))
        }
    }

    @Test("rejecting a ringing call with CANCEL fires no action URL on a Snom, so no event is invented")
    func rejectFiresNothing() async throws {
        try await withSnomPhone { phone in
            await phone.emulator.ringIncoming(from: "sip:0163@pbx.example.test")
            _ = try await phone.driver.perform(.hangup(call: nil))
            try await Task.sleep(for: .milliseconds(100))
            #expect(phone.events.all.count == 1)
            #expect(phone.emulator.firedURLs.count == 1)
        }
    }

    @Test("setup (boot finished) reports a reboot; DND callbacks report DND; on hook with no call left reports idle")
    func deviceEvents() async throws {
        try await withSnomPhone { phone in
            await phone.emulator.boot()
            #expect(await phone.receive("dnd_on", []) == .accepted(body: "OK"))
            #expect(await phone.receive("dnd_off", []) == .accepted(body: "OK"))
            #expect(await phone.receive("onhook", [("calls", "1")]) == .accepted(body: "OK"), "a call on hold lives on")
            #expect(await phone.receive("onhook", [("calls", "$nr_ongoing_calls")]) == .accepted(body: "OK"))
            #expect(await phone.receive("onhook", [("calls", "0")]) == .accepted(body: "OK"))
            let kinds = try await phone.events.waitFor(count: 4).map(\.kind)
            #expect(kinds == [.rebooted, .doNotDisturb(on: true), .doNotDisturb(on: false), .idle])
        }
    }

    @Test("every callback URL the provisioning prints carries the token and Snom's $call-id with its hyphen")
    func provisioningText() throws {
        let configuration = PhoneConfiguration(
            id: "desk-7", driver: "snom", url: "http://10.0.0.7", username: "ctiuser", password: snomPassword,
            options: DriverOptions(["authScheme": .string("digest")]))
        let text = SnomDriver.descriptor.provisioning(
            configuration,
            PhoneProvisioning(eventBaseURL: "https://bridge.example/phones/desk-7/events", eventToken: "T0k", bridgeHost: "10.0.0.2"))
        #expect(
            text.contains(
                #"<action_incoming_url perm="">https://bridge.example/phones/desk-7/events/incoming?token=T0k&amp;call_id=$call-id&amp;remote=$remote&amp;display_remote=$display_remote&amp;local=$local&amp;cancel_reason=$cancel_reason</action_incoming_url>"#
            ))
        for setting in [
            "action_outgoing_url", "action_connected_url", "action_disconnected_url", "action_missed_url", "action_hold",
            "action_unhold", "action_dnd_on_url", "action_dnd_off_url", "action_setup_url", "action_transfer",
            "action_onhook_url",
        ] {
            #expect(text.contains("<\(setting) perm=\"\">https://bridge.example/phones/desk-7/events/"), "\(setting)")
        }
        #expect(text.contains("/events/onhook?token=T0k&amp;calls=$nr_ongoing_calls</action_onhook_url>"))
        #expect(text.contains(#"<http_scheme perm="">on</http_scheme>"#))
        #expect(text.contains(#"<http_user perm="">ctiuser</http_user>"#))
        #expect(text.contains("10.0.0.2"))
        #expect(!text.contains(snomPassword))
        #expect(text.hasPrefix("<?xml"))
    }

    @Test(
        "malformed callbacks are refused and emit nothing",
        arguments: [
            ("incoming", [("remote", "sip:1@x")], "GET"),
            ("connected", [("call_id", "")], "GET"),
            ("hold", [("call_id", "$call-id")], "GET"),
            ("incoming", [("call_id", "1"), ("remote", String(repeating: "9", count: 300))], "GET"),
            ("incoming", [("call_id", "1\r\nX: y")], "GET"),
            ("incoming", [("call_id", "1")], "POST"),
            ("onhook", [("calls", "none")], "GET"),
            ("onhook", [("calls", "-1")], "GET"),
        ])
    func malformed(subpath: String, query: [(String, String)], method: String) async throws {
        try await withSnomPhone { phone in
            let result = await phone.receive(subpath, query, method: method)
            guard case .malformed = result else {
                Issue.record("expected malformed, got \(result)")
                return
            }
            #expect(phone.events.all.isEmpty)
        }
    }

    @Test("an unknown event route answers 404 over HTTP and emits nothing")
    func unknownRoute() async throws {
        try await withSnomPhone { phone in
            #expect(await phone.receive("reg_failed", [("call_id", "1")]) == .unknownRoute)
            #expect(await phone.receive("", []) == .unknownRoute)
            #expect(phone.events.all.isEmpty)
        }
    }

    @Test("a callback with a missing call id sent over HTTP is answered 400 and the state is untouched")
    func malformedOverHTTP() async throws {
        try await withSnomPhone { phone in
            phone.emulator.loadSettings(
                "<action_incoming_url perm=\"\">\(phone.ingress.eventBaseURL)/incoming?token=\(phone.token)&amp;remote=$remote</action_incoming_url>"
            )
            await phone.emulator.ringIncoming(from: "sip:0163@pbx.example.test")
            #expect(phone.ingress.statuses == [400])
            #expect(phone.events.all.isEmpty)
        }
    }
}
