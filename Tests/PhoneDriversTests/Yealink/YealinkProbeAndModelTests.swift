import CallModel
import Foundation
import Logging
import PhoneDrivers
import Testing
import TestSupport

@Suite("Yealink driver: probe, models, options, provisioning")
struct YealinkProbeAndModelTests {
    @Test("probe reads phonecfg; unreachable while the phone is down, reachable once it is back")
    func probeDownAndUp() async throws {
        try await withYealink { yealink in
            #expect(await yealink.driver.probe() == .reachable)
            #expect(yealink.targets == ["/servlet?phonecfg=get&accounts=1&dnd=0&fw=0"])
            await yealink.emulator.stop()
            guard case .unreachable(let code, let message) = await yealink.driver.probe() else {
                Issue.record("expected unreachable"); return
            }
            #expect(code == "unreachable")
            #expect(message.contains(yealink.configuration.id))
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.answer(call: nil))
            }
            guard case .unreachable = error else { Issue.record("expected unreachable, got \(String(describing: error))"); return }
            try await yealink.emulator.restart()
            #expect(await yealink.driver.probe() == .reachable)
        }
    }

    @Test("probe with a wrong password is rejected, not unreachable")
    func probeRejected() async throws {
        try await withYealink(password: "bad") { yealink in
            guard case .rejected(_, let message) = await yealink.driver.probe() else { Issue.record("expected rejected"); return }
            #expect(message.contains("401"))
        }
    }

    @Test(
        "capabilities per model: touch-screen models cannot chain keys, so no transfer",
        arguments: [
            ("T46S", true), ("SIP-T54W", true), ("T48S", false), ("SIP-T48G", false), ("T57W", false),
            ("yealink t48u", false), (nil as String?, true),
        ])
    func capabilitiesPerModel(model: String?, transfer: Bool) throws {
        let driver = try YealinkDriver(
            configuration: PhoneConfiguration(id: "p", driver: "yealink", url: "http://127.0.0.1:9", model: model),
            context: PhoneDriverContext(events: PhoneEventSink { _ in }, logger: Logger(label: "t")))
        #expect(driver.capabilities.contains(.transfer) == transfer)
        #expect(driver.capabilities.isSuperset(of: [.dial, .answer, .hangup, .hold, .resume, .dnd]))
        #expect(!driver.capabilities.contains(.forward))
    }

    @Test("options remove capabilities: dnd: false, transfer: false")
    func optionsRemoveCapabilities() throws {
        let driver = try YealinkDriver(
            configuration: PhoneConfiguration(
                id: "p", driver: "yealink", url: "http://127.0.0.1:9",
                options: DriverOptions(["dnd": .bool(false), "transfer": .bool(false)])),
            context: PhoneDriverContext(events: PhoneEventSink { _ in }, logger: Logger(label: "t")))
        #expect(driver.capabilities == [.dial, .answer, .hangup, .hold, .resume])
    }

    @Test("on a T57W the session refuses transfer as notSupported without a request reaching the phone")
    func sessionRefusesTransferOnT57W() async throws {
        try await withYealink(model: "T57W") { yealink in
            let session = PhoneSession(
                id: yealink.configuration.id, driverName: "yealink", driver: yealink.driver,
                logger: yealink.events.logger, onStatusChange: { _ in })
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await session.perform(.transfer(to: try! DialString(validating: "202"), call: nil))
            }
            guard case .notSupported = error else { Issue.record("expected notSupported, got \(String(describing: error))"); return }
            #expect(yealink.targets.isEmpty)
        }
    }

    @Test("a T57W has no OK key: answering needs the call id from incoming_call")
    func t57WAnswer() async throws {
        try await withYealink(model: "T57W") { yealink in
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.answer(call: nil))
            }
            guard case .noCall = error else { Issue.record("expected noCall"); return }
            #expect(yealink.targets.isEmpty)
            let id = await yealink.emulator.ring(from: "0163")
            try await yealink.events.waitFor(count: 1)
            _ = try await yealink.driver.perform(.answer(call: nil))
            #expect(yealink.targets == ["/servlet?key=ASW:\(id)"])
            #expect(yealink.emulator.calls.first?.state == .talking)
        }
    }

    @Test("bad options are refused naming the key", arguments: [
        ("auth", DriverOptionValue.string("ntlm")), ("path", .string("/admin")), ("dialForm", .string("sip")),
        ("transferKeys", .string("F_TRANSFER;F_TRANSFER")), ("dndOnKey", .string("DND;OK")),
        ("outgoingURI", .string("1001@pbx&key=OK")), ("dialledVariable", .string("calledNumber")), ("colour", .string("red")),
    ])
    func badOptions(key: String, value: DriverOptionValue) {
        let configuration = PhoneConfiguration(
            id: "p", driver: "yealink", url: "http://127.0.0.1:9", options: DriverOptions([key: value]))
        #expect(throws: DriverOptionError.self) { try YealinkDriver.descriptor.validate(configuration) }
        do {
            try YealinkDriver.descriptor.validate(configuration)
        } catch {
            #expect(error.keyPath == key)
        }
    }

    @Test("phone-config prints the trust settings with the bridge host and one action URL per event")
    func provisioning() throws {
        let configuration = PhoneConfiguration(id: "desk-7", driver: "yealink", url: "http://10.0.0.21", model: "T46S")
        let text = YealinkDriver.descriptor.provisioning(
            configuration,
            PhoneProvisioning(
                eventBaseURL: "https://cti.example:8443/phones/desk-7/events", eventToken: "Tok3n", bridgeHost: "10.0.0.5"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!version:1.0.0.1")
        #expect(lines.contains("features.action_uri.enable = 1"))
        #expect(lines.contains("features.action_uri_limit_ip = 10.0.0.5"))
        #expect(lines.contains("features.show_action_uri_option = 0"))
        #expect(
            lines.contains(
                "action_url.incoming_call = https://cti.example:8443/phones/desk-7/events/incoming_call?token=Tok3n"
                    + "&call_id=$call_id&remote=$remote&display_remote=$display_remote&local=$local&active_user=$active_user"))
        #expect(lines.contains("action_url.dnd_on = https://cti.example:8443/phones/desk-7/events/dnd_on?token=Tok3n&mac=$mac&ip=$ip"))
        #expect(lines.contains("action_url.setup_completed = https://cti.example:8443/phones/desk-7/events/setup_completed?token=Tok3n&mac=$mac&ip=$ip"))
        #expect(lines.contains("action_url.busy_to_idle = https://cti.example:8443/phones/desk-7/events/busy_to_idle?token=Tok3n&mac=$mac&ip=$ip"))
        let actionURLs = lines.filter { $0.hasPrefix("action_url.") }
        #expect(actionURLs.count == 17)
        #expect(!text.contains("WARNING"))
        #expect(lines.allSatisfy { $0.isEmpty || $0.hasPrefix("#") || $0.contains(" = ") })
    }
}
