import CallModel
import Foundation
import PhoneDrivers
import Testing
import TestSupport

@Suite("Yealink driver: authentication and remote-control trust")
struct YealinkAuthenticationTests {
    @Test("Basic credentials are sent with the first request and accepted")
    func basicAccepted() async throws {
        try await withYealink { yealink in
            _ = try await yealink.driver.perform(.answer(call: nil))
            let expected = "Basic " + Data("admin:Yea-s3cret!".utf8).base64EncodedString()
            #expect(yealink.emulator.requests.map(\.authorization) == [expected])
            #expect(yealink.emulator.executedKeys == ["OK"])
        }
    }

    @Test("a wrong password is phoneRejected with what to fix, and the password appears in no message or log")
    func wrongPassword() async throws {
        try await withYealink(password: "Wrong-Pa55word") { yealink in
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.dial(try! DialString(validating: "1234")))
            }
            guard case .rejected(let message) = error else { Issue.record("expected rejected, got \(String(describing: error))"); return }
            #expect(message.contains("401"))
            #expect(message.contains("username/password"))
            #expect(yealink.emulator.dials.isEmpty)
            // One request only: a dial is never retried.
            #expect(yealink.emulator.requests.count == 1)
            for text in [message] + yealink.events.logLines {
                #expect(!text.contains("Wrong-Pa55word"))
            }
            #expect(yealink.events.logLines.contains { $0.contains("401") })
        }
    }

    @Test("with auth: digest the driver answers the phone's Digest challenge")
    func digestAccepted() async throws {
        try await withYealink(options: ["auth": .string("digest")], authentication: .digest) { yealink in
            _ = try await yealink.driver.perform(.setDoNotDisturb(true))
            #expect(yealink.emulator.doNotDisturb)
            #expect(yealink.emulator.requests.last?.authorization?.hasPrefix("Digest ") == true)
        }
    }

    @Test("Basic against a Digest-only phone is phoneRejected and suggests auth: digest")
    func basicAgainstDigest() async throws {
        try await withYealink(authentication: .digest) { yealink in
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.answer(call: nil))
            }
            guard case .rejected(let message) = error else { Issue.record("expected rejected"); return }
            #expect(message.contains("auth: digest"))
        }
    }

    @Test("'Remote control forbidden' is phoneRejected with the prompt and allow-list fix; after OK it works")
    func remoteControlPrompt() async throws {
        try await withYealink(remoteControl: .promptOnFirstRequest) { yealink in
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.answer(call: nil))
            }
            guard case .rejected(let message) = error else { Issue.record("expected rejected"); return }
            #expect(message.contains("Allow remote control?"))
            #expect(message.contains("features.show_action_uri_option = 0"))
            #expect(message.contains("features.action_uri_limit_ip"))
            #expect(yealink.emulator.remoteControl == .awaitingConfirmation)
            yealink.emulator.pressOKOnRemoteControlPrompt()
            _ = try await yealink.driver.perform(.answer(call: nil))
            #expect(yealink.emulator.executedKeys == ["OK"])
        }
    }

    @Test("a bridge outside the Action URI allow list is phoneRejected naming the list to edit")
    func notInAllowList() async throws {
        try await withYealink(remoteControl: .notInAllowList) { yealink in
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.hangup(call: nil))
            }
            guard case .rejected(let message) = error else { Issue.record("expected rejected"); return }
            #expect(message.contains("Action URI Allow IP List"))
            #expect(message.contains("features.action_uri_limit_ip"))
            #expect(await yealink.driver.probe() == .rejected(code: "rejected", message: message))
        }
    }

    @Test("three refusals in a row pause the phone's commands in the session (lock-out protection)")
    func sessionPausesAfterRejections() async throws {
        try await withYealink(password: "nope") { yealink in
            let session = PhoneSession(
                id: yealink.configuration.id, driverName: "yealink", driver: yealink.driver,
                logger: yealink.events.logger, onStatusChange: { _ in })
            for _ in 0..<3 {
                _ = await yealinkCommandError { () async throws(PhoneCommandError) in
                    try await session.perform(.answer(call: nil))
                }
            }
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await session.perform(.answer(call: nil))
            }
            guard case .rejected(let message) = error else { Issue.record("expected rejected"); return }
            #expect(message.contains("paused"))
            #expect(yealink.emulator.requests.count == 3)
        }
    }
}
