import CallModel
import PhoneDrivers
import Testing
import TestSupport

@Suite("Grandstream commands")
struct GrandstreamCommandTests {
    @Test("an inbound call answered, held and hung up: documented CTI requests, one synthesised id throughout")
    func inboundCallLifecycle() async throws {
        try await withGrandstreamPhone { phone in
            await phone.emulator.ringIncoming(from: "01632960123", name: "Ada")
            let listed = try #require(try await phone.driver.listCalls())
            _ = try await phone.driver.perform(.answer(call: nil))
            _ = try await phone.driver.perform(.hold(call: nil))
            let outcome = try await phone.driver.perform(.hangup(call: nil))

            #expect(
                phone.emulator.ctiTargets == [
                    "/cgi-bin/api-get_line_status?passcode=P",
                    "/cgi-bin/api-phone_operation?passcode=P&cmd=acceptcall",
                    "/cgi-bin/api-phone_operation?passcode=P&cmd=holdcall",
                    "/cgi-bin/api-phone_operation?passcode=P&cmd=endcall",
                ])
            let events = try await phone.events.waitFor(count: 4)
            let call = try #require(events.first?.callID)
            #expect(call.rawValue.hasPrefix("gs-"))
            let ada = CallParty(address: "01632960123", displayName: "Ada")
            #expect(
                events.map(\.kind) == [
                    .delivered(call: call, remote: ada, dialled: "100"), .established(call: call, remote: ada),
                    .held(call: call), .connectionCleared(call: call, cause: .normal),
                ])
            #expect(listed == [PhoneCallSnapshot(call: call, state: .alerting, direction: .inbound, remote: ada)])
            #expect(outcome.callID == call)
            #expect(try await phone.driver.listCalls() == [])
        }
    }

    @Test("dialling +44… sends one api-make_call with + as %2B; *72# encodes * and #; account is optional")
    func dial() async throws {
        try await withGrandstreamPhone(options: ["account": .number(1)]) { phone in
            _ = try await phone.driver.perform(.dial(snomDial("+44 1632 960123")))
            await phone.emulator.remoteHangsUp()
            _ = try await phone.driver.perform(.dial(snomDial("*72#")))
            #expect(
                phone.emulator.ctiTargets == [
                    "/cgi-bin/api-make_call?passcode=P&phonenumber=%2B441632960123&account=1",
                    "/cgi-bin/api-make_call?passcode=P&phonenumber=%2A72%23&account=1",
                ])
            #expect(phone.emulator.lines.first?.remoteNumber == "*72#")
        }
    }

    @Test(
        "hostile dial strings never reach the phone",
        arguments: ["1234&key=OK", "1234;CALLEND", "12\"34", "12<x>", "12%0d%0a", "1234#&x=1"])
    func injectionRefused(raw: String) async throws {
        #expect(throws: DialStringError.self) { try DialString(validating: raw) }
        try await withGrandstreamPhone { phone in
            if let dial = try? DialString(validating: raw) { _ = try? await phone.driver.perform(.dial(dial)) }
            #expect(phone.emulator.requests.isEmpty)
        }
    }

    @Test("hanging up a ringing call rejects it; hanging up while dialling cancels")
    func hangupVariants() async throws {
        try await withGrandstreamPhone { phone in
            await phone.emulator.ringIncoming(from: "200")
            _ = try await phone.driver.perform(.hangup(call: nil))
            _ = try await phone.driver.perform(.dial(snomDial("300")))
            _ = try await phone.driver.perform(.hangup(call: nil))
            #expect(
                phone.emulator.ctiTargets == [
                    "/cgi-bin/api-phone_operation?passcode=P&cmd=rejectcall",
                    "/cgi-bin/api-make_call?passcode=P&phonenumber=300",
                    "/cgi-bin/api-phone_operation?passcode=P&cmd=cancel",
                ])
            let kinds = try await phone.events.waitFor(count: 4).map(\.kind)
            guard case .connectionCleared(_, let rejectedCause) = kinds[1], case .connectionCleared(_, let cancelCause) = kinds[3]
            else {
                Issue.record("expected two clears, got \(kinds)")
                return
            }
            #expect(rejectedCause == .missed)
            #expect(cancelCause == .normal)
        }
    }

    @Test("an operation the phone does not accept in its state (body false) is invalidState")
    func notAccepted() async throws {
        try await withGrandstreamPhone { phone in
            let error = await snomCommandError { try await phone.driver.perform(.answer(call: nil)) }
            #expect(error?.code == "invalidState")
        }
    }

    @Test("by default only the documented operations are declared; resume, transfer, DND are notSupported")
    func defaultCapabilities() async throws {
        try await withGrandstreamPhone { phone in
            #expect(phone.driver.capabilities == [.dial, .answer, .hangup, .hold])
            let session = PhoneSession(
                id: "desk-9", driverName: "grandstream", driver: phone.driver, logger: .init(label: "test"),
                onStatusChange: { _ in })
            for command in [PhoneCommand.resume(call: nil), .transfer(to: snomDial("2"), call: nil), .setDoNotDisturb(true)] {
                do {
                    _ = try await session.perform(command)
                    Issue.record("\(command) should be refused")
                } catch {
                    #expect((error as? PhoneCommandError)?.code == "notSupported")
                }
            }
            #expect(phone.emulator.requests.isEmpty)
        }
    }

    @Test("configured variants: resume by cmd:unhold, transfer by send_key, DND by a toggle key pressed once")
    func configuredVariants() async throws {
        let options: [String: DriverOptionValue] = [
            "resume": .string("cmd:unhold"), "transferKeys": .string("TRANSFER,{number},SEND"), "dndKey": .string("MPK3"),
        ]
        try await withGrandstreamPhone(options: options) { phone in
            #expect(phone.driver.capabilities == [.dial, .answer, .hangup, .hold, .resume, .transfer, .dnd])
            await phone.emulator.ringIncoming(from: "200")
            _ = try await phone.driver.perform(.answer(call: nil))
            _ = try await phone.driver.perform(.hold(call: nil))
            _ = try await phone.driver.perform(.resume(call: nil))
            _ = try await phone.driver.perform(.transfer(to: snomDial("20*1"), call: nil))
            _ = try await phone.driver.perform(.setDoNotDisturb(true))
            _ = try await phone.driver.perform(.setDoNotDisturb(true))
            #expect(
                Array(phone.emulator.ctiTargets.suffix(3)) == [
                    "/cgi-bin/api-phone_operation?passcode=P&cmd=unhold",
                    "/cgi-bin/api-send_key?passcode=P&keys=TRANSFER:2:0:STAR:1:SEND",
                    "/cgi-bin/api-send_key?passcode=P&keys=MPK3",
                ])
            #expect(phone.emulator.lastTransferTarget == "20*1")
            #expect(phone.emulator.doNotDisturb)
            let kinds = try await phone.events.waitFor(count: 6).map(\.kind)
            let call = try #require(phone.events.all.first?.callID)
            #expect(Array(kinds.suffix(3)) == [.retrieved(call: call), .transferred(call: call, target: nil), .doNotDisturb(on: true)])
        }
    }

    @Test("resume by key sends the HOLD key")
    func resumeByKey() async throws {
        try await withGrandstreamPhone(options: ["resume": .string("key:HOLD")]) { phone in
            await phone.emulator.ringIncoming(from: "200")
            _ = try await phone.driver.perform(.answer(call: nil))
            _ = try await phone.driver.perform(.hold(call: nil))
            _ = try await phone.driver.perform(.resume(call: nil))
            #expect(phone.emulator.ctiTargets.last == "/cgi-bin/api-send_key?passcode=P&keys=HOLD")
            #expect(phone.emulator.lines.first?.state == "connected")
        }
    }

    @Test("the password= variant carries the passcode under that name")
    func passwordParameter() async throws {
        try await withGrandstreamPhone(options: ["passcodeParameter": .string("password")]) { phone in
            _ = try await phone.driver.perform(.dial(snomDial("2001")))
            #expect(phone.emulator.ctiTargets == ["/cgi-bin/api-make_call?password=P&phonenumber=2001"])
        }
    }
}

@Suite("Grandstream access, events and provisioning")
struct GrandstreamAccessTests {
    @Test("a wrong passcode is rejected with the Remote Control settings to fix, and the passcode is never shown")
    func wrongPasscode() async throws {
        try await withGrandstreamPhone(passcode: "wrong-passcode-77") { phone in
            let error = await snomCommandError { try await phone.driver.perform(.dial(snomDial("2001"))) }
            guard case .rejected(let message) = error else {
                Issue.record("expected rejected, got \(String(describing: error))")
                return
            }
            #expect(message.contains("Action URI Allowed IP List"))
            #expect(message.contains("Remote Control Pop up Window Support"))
            #expect(!message.contains("wrong-passcode-77"))
            let health = await phone.driver.probe()
            guard case .rejected = health else {
                Issue.record("expected a rejected probe, got \(health)")
                return
            }
            #expect(phone.emulator.requests.first?.target.contains("passcode=wrong-passcode-77") == true)
            #expect(!phone.logs.all.isEmpty)
            #expect(phone.logs.all.allSatisfy { !$0.contains("wrong-passcode-77") })
        }
    }

    @Test("probe asks api-get_line_status: unreachable while down, reachable after restart on the same port")
    func probeDownAndBack() async throws {
        try await withGrandstreamPhone { phone in
            #expect(await phone.driver.probe() == .reachable)
            #expect(phone.emulator.ctiTargets == ["/cgi-bin/api-get_line_status?passcode=P"])
            await phone.emulator.stop()
            let down = await phone.driver.probe()
            guard case .unreachable(_, let message) = down else {
                Issue.record("expected unreachable, got \(down)")
                return
            }
            #expect(!message.contains(grandstreamPasscode))
            try await phone.emulator.start()
            #expect(await phone.driver.probe() == .reachable)
            #expect(phone.logs.all.allSatisfy { !$0.contains(grandstreamPasscode) })
        }
    }

    @Test("listCalls adopts a call no callback announced and keeps its id stable until it ends")
    func listCallsStableIDs() async throws {
        try await withGrandstreamPhone { phone in
            await phone.emulator.ringIncoming(from: "555", fireCallback: false)
            let first = try #require(try await phone.driver.listCalls())
            let second = try #require(try await phone.driver.listCalls())
            #expect(first.count == 1)
            #expect(first == second)
            #expect(first.first?.call.rawValue.hasPrefix("gs-1-") == true)
            _ = try await phone.driver.perform(.answer(call: nil))
            let events = try await phone.events.waitFor(count: 1)
            #expect(events.first?.kind == .established(call: first[0].call, remote: CallParty(address: "555")))
        }
    }

    @Test("outbound call events: outgoing, established, terminated share one id; a missed call is missed")
    func outboundAndMissed() async throws {
        try await withGrandstreamPhone { phone in
            _ = try await phone.driver.perform(.dial(snomDial("2001")))
            await phone.emulator.remoteAnswers()
            await phone.emulator.remoteHangsUp()
            await phone.emulator.ringIncoming(from: "0163")
            await phone.emulator.remoteHangsUp()
            let events = try await phone.events.waitFor(count: 5)
            let outbound = try #require(events.first?.callID)
            let inbound = try #require(events[3].callID)
            #expect(outbound != inbound)
            #expect(
                events.map(\.kind) == [
                    .serviceInitiated(call: outbound, remote: CallParty(address: "2001")),
                    .established(call: outbound, remote: CallParty(address: "2001")),
                    .connectionCleared(call: outbound, cause: .normal),
                    .delivered(call: inbound, remote: CallParty(address: "0163"), dialled: "100"),
                    .connectionCleared(call: inbound, cause: .missed),
                ])
            #expect(phone.ingress.statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test(
        "malformed callbacks are refused and emit nothing",
        arguments: [
            ("incoming", [("local", "100")], "GET"), ("incoming", [("remote", "1")], "POST"),
            ("outgoing", [("remote", "$remote")], "GET"), ("incoming", [("remote", "1\n2")], "GET"),
            ("incoming", [("remote", String(repeating: "1", count: 400))], "GET"),
        ])
    func malformed(subpath: String, query: [(String, String)], method: String) async throws {
        try await withGrandstreamPhone { phone in
            guard case .malformed = await phone.receive(subpath, query, method: method) else {
                Issue.record("expected malformed")
                return
            }
            #expect(phone.events.all.isEmpty)
            #expect(await phone.receive("registered", []) == .unknownRoute)
        }
    }

    @Test("setup reports a reboot and forgets calls; DND callbacks report DND")
    func deviceEvents() async throws {
        try await withGrandstreamPhone { phone in
            #expect(await phone.receive("setup", []) == .accepted(body: "OK"))
            #expect(await phone.receive("dnd_on", []) == .accepted(body: "OK"))
            #expect(await phone.receive("dnd_off", []) == .accepted(body: "OK"))
            #expect(phone.events.all.map(\.kind) == [.rebooted, .doNotDisturb(on: true), .doNotDisturb(on: false)])
        }
    }

    @Test("provisioning prints P8304/P8310 with token, the other events by web UI name, and the remote-control hints")
    func provisioningText() {
        let configuration = PhoneConfiguration(id: "desk-9", driver: "grandstream", url: "http://10.0.0.9", password: grandstreamPasscode)
        let text = GrandstreamDriver.descriptor.provisioning(
            configuration,
            PhoneProvisioning(eventBaseURL: "https://bridge.example/phones/desk-9/events", eventToken: "T0k", bridgeHost: "10.0.0.2"))
        #expect(
            text.contains(
                "P8310 = https://bridge.example/phones/desk-9/events/incoming?token=T0k&remote=$remote&display_remote=$display_remote&local=$local&active_user=$active_user"
            ))
        #expect(text.contains("P8304 = https://bridge.example/phones/desk-9/events/setup?token=T0k\n"))
        for label in ["Outgoing Call", "Established Call", "Terminated Call", "Missed Call", "Hold Call", "UnHold Call", "DND On", "DND Off"] {
            #expect(text.contains("# \(label) = https://bridge.example/phones/desk-9/events/"), "\(label)")
        }
        #expect(text.contains("Action URI Allowed IP List = 10.0.0.2"))
        #expect(text.contains("Remote Control Pop up Window Support = Disabled"))
        #expect(!text.contains(grandstreamPasscode))
    }

    @Test(
        "bad options and a missing passcode are refused with the key that is wrong",
        arguments: [
            ("resume", DriverOptionValue.string("unhold")), ("transferKeys", .string("TRANSFER,SEND")),
            ("dndKey", .string("mpk3&x")), ("account", .number(-1)), ("passcodeParameter", .string("pin")),
            ("colour", .string("red")),
        ])
    func badOptions(key: String, value: DriverOptionValue) {
        let descriptor = GrandstreamDriver.descriptor
        let configuration = PhoneConfiguration(
            id: "p", driver: "grandstream", url: "http://127.0.0.1:9", password: "x", options: DriverOptions([key: value]))
        do {
            try descriptor.validate(configuration)
            Issue.record("\(key) should be refused")
        } catch {
            #expect(error.keyPath == key)
        }
        let noPasscode = PhoneConfiguration(id: "p", driver: "grandstream", url: "http://127.0.0.1:9")
        do {
            try descriptor.validate(noPasscode)
            Issue.record("a missing passcode should be refused")
        } catch {
            #expect(error.keyPath == "password")
        }
    }
}
