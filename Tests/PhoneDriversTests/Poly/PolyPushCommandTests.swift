import CallModel
import Foundation
import Logging
import PhoneDrivers
import Testing
import TestSupport

@Suite("Poly Push commands")
struct PolyPushCommandTests {
    @Test("push dial posts tel:\\\\<number> in <Data priority=Critical> as application/x-com-polycom-spipx with Digest")
    func dial() async throws {
        try await PolyTestRig.run(options: ["api": .string("push")]) { rig in
            let outcome = try await rig.driver.perform(.dial(try DialString(validating: "*72#")))
            #expect(outcome.callID == nil)
            let pushes = rig.requests(to: "/push").filter { $0.method == "POST" }
            // libcurl's Digest: one unauthenticated attempt answered 401, then the authenticated one.
            #expect(pushes.count == 2)
            let pushed = try #require(pushes.last)
            #expect(pushed.text == #"<PolycomIPPhone><Data priority="Critical">tel:\\*72#</Data></PolycomIPPhone>"#)
            #expect(pushed.header("content-type") == "application/x-com-polycom-spipx")
            #expect(pushed.header("authorization")?.hasPrefix("Digest ") == true)
            #expect(pushed.header("authorization")?.contains(#"username="pushuser""#) == true)
            #expect(rig.emulator.pushedURIs == [#"tel:\\*72#"#])

            // Push gives no handle; the notifications carry the call.
            let handle = try #require(rig.emulator.calls.first?.handle)
            let events = try await rig.events.waitFor(count: 2)
            #expect(events[0].kind == .serviceInitiated(call: PhoneCallID(handle), remote: CallParty(address: "*72#")))
        }
    }

    @Test("the push priority follows the pushPriority option and provisioning admits it")
    func priority() async throws {
        try await PolyTestRig.run(options: ["api": .string("push"), "pushPriority": .string("high")]) { rig in
            _ = try await rig.driver.perform(.dial(try DialString(validating: "1234")))
            #expect(rig.requests(to: "/push").last?.text == #"<PolycomIPPhone><Data priority="High">tel:\\1234</Data></PolycomIPPhone>"#)
            #expect(rig.provisioning.contains(#"apps.push.messageType="3""#))
        }
    }

    @Test("wrong push credentials are rejected with a message naming apps.push.username/password")
    func wrongCredentials() async throws {
        try await PolyTestRig.run(options: ["api": .string("push")], password: "not-the-Pu5h") { rig in
            do {
                _ = try await rig.driver.perform(.dial(try DialString(validating: "1234")))
                Issue.record("push with wrong credentials succeeded")
            } catch let error as PhoneCommandError {
                #expect(error.code == "phoneRejected")
                #expect(error.message.contains("apps.push.username and apps.push.password"))
                #expect(!error.message.contains("not-the-Pu5h"))
            }
            #expect(rig.emulator.pushedURIs.isEmpty)
            guard case .rejected = await rig.driver.probe() else { Issue.record("probe did not reject"); return }
        }
    }

    @Test("push mode offers dial only, unless answer and hang-up keys are configured")
    func capabilities() async throws {
        try await PolyTestRig.run(model: "SoundPoint IP 650") { rig in
            #expect(rig.driver.capabilities == [.dial])
            await #expect(throws: PhoneCommandError.self) { try await rig.driver.perform(.hold(call: nil)) }
            #expect(rig.emulator.requests.isEmpty)
        }
        try await PolyTestRig.run(
            model: "SoundPoint IP 650",
            options: ["pushAnswerKey": .string("Key:Softkey1"), "pushHangupKey": .string("Key:Softkey2")]
        ) { rig in
            #expect(rig.driver.capabilities == [.dial, .answer, .hangup])
            _ = try await rig.driver.perform(.answer(call: nil))
            _ = try await rig.driver.perform(.hangup(call: nil))
            #expect(rig.emulator.pushedURIs == ["Key:Softkey1", "Key:Softkey2"])
        }
    }

    @Test("the session refuses what a model cannot do without sending anything")
    func sessionRefusesPerModel() async throws {
        try await PolyTestRig.run(model: "SoundPoint IP 335") { rig in
            let session = PhoneSession(
                id: rig.configuration.id, driverName: "poly", driver: rig.driver, logger: Logger(label: "test"),
                onStatusChange: { _ in })
            for command: PhoneCommand in [.answer(call: nil), .hold(call: nil), .resume(call: nil), .setDoNotDisturb(true)] {
                await #expect(throws: PhoneCommandError.self) { try await session.perform(command) }
            }
            #expect(rig.emulator.requests.isEmpty)
        }
        try await PolyTestRig.run(model: "VVX 450") { rig in
            #expect(rig.driver.capabilities == [.dial, .answer, .hangup, .hold, .resume])
        }
    }
}
