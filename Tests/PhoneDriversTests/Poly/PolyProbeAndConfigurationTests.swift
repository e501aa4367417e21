import CallModel
import Foundation
import Logging
import PhoneDrivers
import Testing
import TestSupport

@Suite("Poly probe and configuration")
struct PolyProbeAndConfigurationTests {
    @Test("probe reads device info; unreachable while the phone is down, reachable when it is back")
    func probeDownAndUp() async throws {
        try await PolyTestRig.run { rig in
            #expect(await rig.driver.probe() == .reachable)
            #expect(rig.requests(to: "/api/v1/mgmt/device/info").last?.header("authorization")
                == polyBasic("Polycom", rig.emulator.configuration.adminPassword))
            await rig.emulator.stop()
            guard case .unreachable(let code, let message) = await rig.driver.probe() else {
                Issue.record("probe of a stopped phone was not unreachable"); return
            }
            #expect(code == "unreachable")
            #expect(message.contains(rig.configuration.id))
            do {
                _ = try await rig.driver.perform(.dial(try DialString(validating: "1234")))
                Issue.record("dial to a stopped phone succeeded")
            } catch let error as PhoneCommandError {
                #expect(error.code == "phoneUnreachable")
            }
            try await rig.emulator.start()
            #expect(await rig.driver.probe() == .reachable)
        }
    }

    @Test("a wrong admin password makes the probe rejected")
    func probeRejected() async throws {
        try await PolyTestRig.run(password: "nope-nope") { rig in
            guard case .rejected(let code, let message) = await rig.driver.probe() else {
                Issue.record("probe with a wrong password was not rejected"); return
            }
            #expect(code == "rejected")
            #expect(message.contains("admin password"))
            #expect(!message.contains("nope-nope"))
        }
    }

    @Test("push probe is GET /push with Digest; reachable with the right credentials, down when stopped")
    func pushProbe() async throws {
        try await PolyTestRig.run(options: ["api": .string("push")]) { rig in
            #expect(await rig.driver.probe() == .reachable)
            #expect(rig.requests(to: "/push").last?.method == "GET")
            #expect(rig.requests(to: "/push").last?.header("authorization")?.hasPrefix("Digest ") == true)
            await rig.emulator.stop()
            guard case .unreachable = await rig.driver.probe() else { Issue.record("not unreachable"); return }
            try await rig.emulator.start()
            #expect(await rig.driver.probe() == .reachable)
        }
    }

    @Test("push mode lists no calls; REST lists them")
    func listCallsPerAPI() async throws {
        try await PolyTestRig.run(options: ["api": .string("push")]) { rig in
            let calls = try await rig.driver.listCalls()
            #expect(calls == nil)
        }
    }

    @Test("options are checked with the failing key named")
    func optionErrors() throws {
        let descriptor = PolyDriver.descriptor
        #expect(descriptor.name == "poly")
        #expect(descriptor.requiresURL)
        func keyPath(_ options: [String: DriverOptionValue], model: String? = nil, username: String? = nil,
                     password: String? = "pw", url: String? = "http://127.0.0.1:1") -> String? {
            do {
                try descriptor.validate(PhoneConfiguration(
                    id: "p", driver: "poly", url: url, username: username, password: password, model: model,
                    options: DriverOptions(options)))
                return nil
            } catch {
                return error.keyPath
            }
        }
        #expect(keyPath([:]) == nil)
        #expect(keyPath(["api": .string("soap")]) == "api")
        #expect(keyPath(["line": .number(0)]) == "line")
        #expect(keyPath(["callStatusVersion": .string("v3")]) == "callStatusVersion")
        #expect(keyPath(["pushPriority": .string("urgent")]) == "pushPriority")
        #expect(keyPath(["pushAnswerKey": .string("tel:\\\\900")]) == "pushAnswerKey")
        #expect(keyPath(["dialHandleWaitSeconds": .number(60)]) == "dialHandleWaitSeconds")
        #expect(keyPath(["colour": .string("red")]) == "colour")
        #expect(keyPath(["api": .string("push")]) == "username")
        #expect(keyPath([:], model: "SoundPoint IP 550") == "username")
        #expect(keyPath([:], username: "u", password: nil) == "password")
        #expect(keyPath([:], url: "ftp://phone") == "url")
    }

    @Test("the model picks the API: SoundPoint/SoundStation IP push, VVX/Trio/CCX REST")
    func modelFamilies() throws {
        for (model, api) in [
            ("SoundPoint IP 650", PolyControlAPI.push), ("SoundStation IP 6000", .push), ("IP335", .push),
            ("VVX 450", .rest), ("Trio 8800", .rest), ("CCX 500", .rest), (nil, .rest),
        ] as [(String?, PolyControlAPI)] {
            #expect(try PolyOptions(model: model, options: DriverOptions()).api == api, "\(model ?? "nil")")
        }
        #expect(try PolyOptions(model: "SoundPoint IP 650", options: DriverOptions(["api": .string("rest")])).api == .rest)
    }
}
