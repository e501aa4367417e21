import CallModel
import Foundation
import Logging
import PhoneDrivers
import Testing
import TestSupport

/// A Fanvil emulator, the driver under test, and a bridge-like ingress, wired together.
typealias FanvilHarness = PhoneHarness<FanvilPhoneEmulator, FanvilDriver, YealinkEventLog>

/// Runs `body` with a fresh emulator, driver and ingress; everything is shut down afterwards.
func withFanvil(
    options: [String: DriverOptionValue] = [:], password: String? = nil, _ body: (FanvilHarness) async throws -> Void
) async throws {
    let emulator = try await FanvilPhoneEmulator.start()
    let events = YealinkEventLog()
    let configuration = PhoneConfiguration(
        id: "fv-\(UInt32.random(in: 0...UInt32.max))", driver: "fanvil", url: emulator.baseURL,
        username: emulator.user, password: password ?? emulator.password, model: "X4U", options: DriverOptions(options))
    try await withAsyncDefer({ await emulator.stop() }) {
        try await withPhoneHarness(
            emulator, configuration: configuration, events: events, logs: events.logs, descriptor: FanvilDriver.descriptor,
            driver: { try FanvilDriver(configuration: $0, context: $1) },
            load: { #expect(emulator.loadConfiguration($0) == 11, "one action URL per event") }, body)
    }
}

@Suite("Fanvil driver")
struct FanvilDriverTests {
    @Test("dial types SPEAKER;<digits>;ENTER; the outgoing call is reported and answered by the far end")
    func dial() async throws {
        try await withFanvil { fanvil in
            _ = try await fanvil.driver.perform(.dial(try DialString(validating: "0163 296#")))
            #expect(fanvil.emulator.targets == ["/cgi-bin/ConfigManApp.com?key=SPEAKER;0163296;POUND;ENTER"])
            #expect(fanvil.emulator.dials == ["0163296#"])
            let expectedAuth = "Basic " + Data("admin:Fan-s3cret!".utf8).base64EncodedString()
            #expect(fanvil.emulator.authorizations == [expectedAuth])
            await fanvil.emulator.remoteAnswers()
            let kinds = try await fanvil.events.waitFor(count: 2)
            let remote = CallParty(address: "sip:0163296#@pbx")
            #expect(kinds == [.serviceInitiated(call: PhoneCallID("1"), remote: remote), .established(call: PhoneCallID("1"), remote: remote)])
        }
    }

    @Test("answer OK, hold and resume F_HOLD, hang up RELEASE; events follow the call")
    func callControl() async throws {
        try await withFanvil { fanvil in
            await fanvil.emulator.ring(from: "0163", displayName: "Carol")
            try await fanvil.events.waitFor(count: 1)
            #expect(try await fanvil.driver.perform(.answer(call: nil)).callID == PhoneCallID("1"))
            _ = try await fanvil.driver.perform(.hold(call: nil))
            _ = try await fanvil.driver.perform(.resume(call: nil))
            _ = try await fanvil.driver.perform(.hangup(call: nil))
            #expect(
                fanvil.emulator.targets.map { $0.replacingOccurrences(of: "/cgi-bin/ConfigManApp.com?", with: "") } == [
                    "key=OK", "key=F_HOLD", "key=F_HOLD", "key=RELEASE",
                ])
            let call = PhoneCallID("1")
            let remote = CallParty(address: "sip:0163@pbx", displayName: "Carol")
            #expect(
                try await fanvil.events.waitFor(count: 5) == [
                    .delivered(call: call, remote: remote, dialled: nil), .established(call: call, remote: remote),
                    .held(call: call), .retrieved(call: call), .connectionCleared(call: call, cause: .normal),
                ])
        }
    }

    @Test("blind transfer types F_TRANSFER;<digits>;F_TRANSFER")
    func transfer() async throws {
        try await withFanvil { fanvil in
            await fanvil.emulator.ring(from: "0163")
            _ = try await fanvil.driver.perform(.answer(call: nil))
            _ = try await fanvil.driver.perform(.transfer(to: try DialString(validating: "202"), call: nil))
            #expect(fanvil.emulator.targets.last == "/cgi-bin/ConfigManApp.com?key=F_TRANSFER;202;F_TRANSFER")
            #expect(fanvil.emulator.transfers == ["202"])
        }
    }

    @Test("DND, forwarding and '+' numbers are notSupported and send nothing")
    func notSupported() async throws {
        try await withFanvil { fanvil in
            #expect(fanvil.driver.capabilities == [.dial, .answer, .hangup, .hold, .resume, .transfer])
            for command in [
                PhoneCommand.setDoNotDisturb(true), .setForwarding(nil), .dial(try DialString(validating: "+441632960123")),
                .dial(try DialString(validating: "sip:bob@pbx.example.com")),
            ] {
                let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                    try await fanvil.driver.perform(command)
                }
                guard case .notSupported = error else { Issue.record("expected notSupported for \(command)"); continue }
            }
            #expect(fanvil.emulator.targets.isEmpty)
        }
    }

    @Test("a feature code reaches the phone as one request with '*' encoded and '#' as POUND")
    func featureCode() async throws {
        try await withFanvil { fanvil in
            _ = try await fanvil.driver.perform(.dial(try DialString(validating: "*72#")))
            #expect(fanvil.emulator.targets == ["/cgi-bin/ConfigManApp.com?key=SPEAKER;%2A72;POUND;ENTER"])
            #expect(fanvil.emulator.dials == ["*72#"])
        }
    }

    @Test("wrong password and limit-IP refusals are phoneRejected with the fix; no secret in messages")
    func refusals() async throws {
        try await withFanvil(password: "Wrong-Fan-Pass") { fanvil in
            guard case .rejected(_, let message) = await fanvil.driver.probe() else { Issue.record("expected rejected"); return }
            #expect(message.contains("401"))
            #expect(!(fanvil.events.logLines + [message]).contains { $0.contains("Wrong-Fan-Pass") })
        }
        try await withFanvil { fanvil in
            fanvil.emulator.setRemoteControlAllowed(false)
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await fanvil.driver.perform(.answer(call: nil))
            }
            guard case .rejected(let message) = error else { Issue.record("expected rejected"); return }
            #expect(message.contains("Active URI Limit IP"))
        }
    }

    @Test("probe is unreachable while the phone is down and reachable when it is back")
    func probe() async throws {
        try await withFanvil { fanvil in
            #expect(await fanvil.driver.probe() == .reachable)
            await fanvil.emulator.stop()
            guard case .unreachable = await fanvil.driver.probe() else { Issue.record("expected unreachable"); return }
            try await fanvil.emulator.restart()
            #expect(await fanvil.driver.probe() == .reachable)
        }
    }

    @Test("firmware without $call_id: ids are synthesised per line and start time and follow the call")
    func synthesisedCallIDs() async throws {
        try await withFanvil { fanvil in
            fanvil.emulator.setSendsCallID(false)
            await fanvil.emulator.ring(from: "0163")
            await fanvil.emulator.remoteHangsUp()
            let kinds = try await fanvil.events.waitFor(count: 2)
            guard case .delivered(let call, _, _) = kinds[0] else { Issue.record("expected delivered"); return }
            #expect(call.rawValue.hasPrefix("fanvil-2001-"))
            #expect(kinds[1] == .connectionCleared(call: call, cause: .missed))
        }
    }

    @Test("DND callbacks from the confirmed XML tags, and reboot, become device events")
    func deviceEvents() async throws {
        try await withFanvil { fanvil in
            await fanvil.emulator.fire("dnd_on")
            await fanvil.emulator.fire("setup_completed")
            await fanvil.emulator.fire("busy_to_idle")
            let kinds = try await fanvil.events.waitFor(count: 3)
            #expect(kinds == [.doNotDisturb(on: true), .rebooted, .idle])
        }
    }

    @Test("malformed callbacks emit nothing: a hostile call_id, or a call event with no call in progress")
    func malformed() async throws {
        try await withFanvil { fanvil in
            let base = fanvil.ingress.eventBaseURL
            let token = fanvil.ingress.token
            let hostile = try await YealinkCallbackSender.get("\(base)/call_established?token=\(token)&call_id=1%3BRELEASE")
            #expect(hostile.status == 400)
            let orphan = try await YealinkCallbackSender.get("\(base)/call_terminated?token=\(token)")
            #expect(orphan.status == 400)
            let unknown = try await YealinkCallbackSender.get("\(base)/nope?token=\(token)")
            #expect(unknown.status == 404)
            #expect(fanvil.events.kinds.isEmpty)
        }
    }

    @Test("phone-config prints Fanvil XML with RemoteControl, the DND URL tags, and the other events as instructions")
    func provisioning() throws {
        let text = FanvilDriver.descriptor.provisioning(
            PhoneConfiguration(id: "f1", driver: "fanvil", url: "http://10.0.0.30"),
            PhoneProvisioning(eventBaseURL: "http://cti:8080/phones/f1/events", eventToken: "T", bridgeHost: "10.0.0.5"))
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))
        #expect(text.contains("<web><RemoteControl>1</RemoteControl></web>"))
        #expect(text.contains("<DNDOnUrl>http://cti:8080/phones/f1/events/dnd_on?token=T&amp;mac=$mac</DNDOnUrl>"))
        #expect(text.contains("Active URI Limit IP (Web UI: Active URI Limit IP): 10.0.0.5"))
        #expect(
            text.contains(
                "<!-- Action URL \"Incoming Call\": http://cti:8080/phones/f1/events/incoming_call?token=T&call_id=$call_id"
                    + "&remote=$remote&display_remote=$display_remote&line=$active_user -->"))
    }

    @Test("bad options are refused naming the key")
    func badOptions() {
        for (key, value) in [
            ("dialKeys", DriverOptionValue.string("SPEAKER;ENTER")), ("hangupKey", .string("X;OK")),
            ("callIdVariable", .string("call_id")), ("path", .string("/a?b")), ("unknown", .bool(true)),
        ] {
            do {
                try FanvilDriver.descriptor.validate(
                    PhoneConfiguration(id: "f", driver: "fanvil", url: "http://x", options: DriverOptions([key: value])))
                Issue.record("\(key) accepted")
            } catch {
                #expect(error.keyPath == key)
            }
        }
    }
}
