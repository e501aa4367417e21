import CallModel
import PhoneDrivers
import Testing
import TestSupport

@Suite("Snom login, reachability and capabilities")
struct SnomAccessTests {
    @Test("Basic login (http_scheme off) sends the credentials and works")
    func basicLogin() async throws {
        try await withSnomPhone { phone in
            _ = try await phone.driver.perform(.dial(snomDial("2001")))
            let request = try #require(phone.emulator.requests.last)
            #expect(request.header("authorization")?.hasPrefix("Basic ") == true)
            #expect(phone.emulator.commandTargets == ["/command.htm?number=2001"])
        }
    }

    @Test("Digest login (http_scheme on, authScheme: digest) answers the phone's challenge")
    func digestLogin() async throws {
        try await withSnomPhone(
            login: .digest(user: "admin", password: snomPassword), options: ["authScheme": .string("digest")]
        ) { phone in
            _ = try await phone.driver.perform(.dial(snomDial("2001")))
            #expect(phone.emulator.requests.last?.header("authorization")?.hasPrefix("Digest ") == true)
            #expect(phone.emulator.calls.count == 1)
        }
    }

    @Test("a wrong password is rejected with a message naming http_user/http_pass, and never shows the password")
    func wrongPassword() async throws {
        try await withSnomPhone(password: "wrong-" + snomPassword) { phone in
            let error = await snomCommandError { try await phone.driver.perform(.dial(snomDial("2001"))) }
            guard case .rejected(let message) = error else {
                Issue.record("expected rejected, got \(String(describing: error))")
                return
            }
            #expect(message.contains("http_user/http_pass"))
            #expect(!message.contains(snomPassword))
            #expect(phone.emulator.calls.isEmpty)
            #expect(phone.logs.all.allSatisfy { !$0.contains(snomPassword) })
            let health = await phone.driver.probe()
            guard case .rejected(_, let probeMessage) = health else {
                Issue.record("expected a rejected probe, got \(health)")
                return
            }
            #expect(!probeMessage.contains(snomPassword))
        }
    }

    @Test("a Basic client against a Digest phone is told to set authScheme")
    func schemeMismatch() async throws {
        try await withSnomPhone(login: .digest(user: "admin", password: snomPassword)) { phone in
            let error = await snomCommandError { try await phone.driver.perform(.answer(call: nil)) }
            #expect(error?.code == "phoneRejected")
            #expect(error?.message.contains("authScheme") == true)
        }
    }

    @Test("probe: unreachable while the phone is down, reachable once it is back on the same port")
    func probeDownAndBack() async throws {
        try await withSnomPhone { phone in
            #expect(await phone.driver.probe() == .reachable)
            #expect(phone.emulator.requests.last?.target == "/index.htm")
            await phone.emulator.stop()
            let down = await phone.driver.probe()
            guard case .unreachable(let code, _) = down else {
                Issue.record("expected unreachable, got \(down)")
                return
            }
            #expect(code == "unreachable")
            let error = await snomCommandError { try await phone.driver.perform(.dial(snomDial("2001"))) }
            #expect(error?.code == "phoneUnreachable")
            try await phone.emulator.start()
            #expect(await phone.driver.probe() == .reachable)
        }
    }

    @Test("a firmware without command.htm (404) makes commands notSupported with the option to set")
    func missingRemoteControl() async throws {
        try await withSnomPhone { phone in
            phone.emulator.removeRemoteControl()
            let error = await snomCommandError { try await phone.driver.perform(.answer(call: nil)) }
            #expect(error?.code == "notSupported")
            #expect(error?.message.contains("remoteControl") == true)
        }
    }

    @Test("capabilities follow model and options; forward is never declared")
    func capabilities() throws {
        let all: Set<PhoneCapability> = [.dial, .answer, .hangup, .hold, .resume, .transfer, .dnd]
        let cases: [(String, [String: DriverOptionValue], Set<PhoneCapability>)] = [
            ("D785", [:], all),
            ("D865", [:], []),
            ("D865", ["remoteControl": .bool(true)], all),
            ("D735", ["transferKeys": .string("off"), "dnd": .string("off")], [.dial, .answer, .hangup, .hold, .resume]),
        ]
        for (model, options, expected) in cases {
            let configuration = PhoneConfiguration(
                id: "p", driver: "snom", url: "http://127.0.0.1:9", model: model, options: DriverOptions(options))
            let driver = try SnomDriver(
                configuration: configuration,
                context: PhoneDriverContext(events: PhoneEventSink { _ in }, logger: .init(label: "test")))
            #expect(driver.capabilities == expected, "\(model) \(options)")
        }
    }

    @Test("a D8xx phone refuses commands as notSupported through the session, sending nothing")
    func d8xxThroughSession() async throws {
        try await withSnomPhone(model: "D865") { phone in
            let session = PhoneSession(
                id: "desk-7", driverName: "snom", driver: phone.driver, logger: .init(label: "test"),
                onStatusChange: { _ in })
            do {
                _ = try await session.perform(.dial(snomDial("2001")))
                Issue.record("dial should be refused")
            } catch {
                #expect((error as? PhoneCommandError)?.code == "notSupported")
            }
            #expect(phone.emulator.requests.isEmpty)
        }
    }

    @Test(
        "bad options are refused with the key that is wrong",
        arguments: [
            ("authScheme", DriverOptionValue.string("ntlm")), ("transferKeys", .string("TRANSFER,ENTER")),
            ("transferKeys", .string("TRANSFER,{number},BOGUS")), ("holdKey", .string("HOLD")),
            ("colour", .string("red")), ("outgoingURI", .string("sip:a&b@x")),
        ])
    func badOptions(key: String, value: DriverOptionValue) {
        let configuration = PhoneConfiguration(
            id: "p", driver: "snom", url: "http://127.0.0.1:9", options: DriverOptions([key: value]))
        #expect(throws: DriverOptionError.self) { try SnomDriver.descriptor.validate(configuration) }
        do {
            try SnomDriver.descriptor.validate(configuration)
        } catch {
            #expect(error.keyPath == key)
        }
    }
}
