import CallModel
import Foundation
import PhoneDrivers
import Testing
import TestSupport

@Suite("Cisco errors, probe and configuration")
struct CiscoErrorTests {
    @Test("CiscoIPPhoneError 4 (wrong password) is rejected, telling the installer to check the CUCM authentication URL and association")
    func wrongPassword() async throws {
        try await CiscoTestRig.run(password: "Wr0ng-pass") { rig in
            do {
                _ = try await rig.driver.perform(.dial(try DialString(validating: "1234")))
                Issue.record("dial with a wrong password succeeded")
            } catch let error as PhoneCommandError {
                #expect(error.code == "phoneRejected")
                #expect(error.message.contains("Authentication URL"))
                #expect(error.message.contains("associated with the phone"))
                #expect(error.message.contains("ctiuser"))
                #expect(!error.message.contains("Wr0ng-pass"))
            }
            #expect(rig.emulator.executedURIs.isEmpty)
        }
    }

    @Test("a user without device association gets the same actionable Error 4")
    func notAssociated() async throws {
        var phone = CiscoPhoneEmulator.Configuration()
        phone.deviceAssociated = false
        try await CiscoTestRig.run(emulator: phone) { rig in
            await #expect(throws: PhoneCommandError.rejected(
                CiscoErrorNumberText.authenticationHelp(phoneID: rig.configuration.id, user: "ctiuser"))) {
                try await rig.driver.perform(.answer(call: nil))
            }
        }
    }

    @Test("a ResponseItem with a non-zero Status is invalidState")
    func itemFailure() async throws {
        try await CiscoTestRig.run(options: ["holdKey": .string("Key:Bogus")]) { rig in
            do {
                _ = try await rig.driver.perform(.hold(call: nil))
                Issue.record("an unknown key succeeded")
            } catch let error as PhoneCommandError {
                #expect(error.code == "invalidState")
                #expect(error.message.contains("Key:Bogus"))
            }
        }
    }

    @Test("Web Access disabled (404) is rejected with the fix")
    func webAccessOff() async throws {
        var phone = CiscoPhoneEmulator.Configuration()
        phone.webAccess = false
        try await CiscoTestRig.run(emulator: phone) { rig in
            do {
                _ = try await rig.driver.perform(.hangup(call: nil))
                Issue.record("hang up succeeded without web access")
            } catch let error as PhoneCommandError {
                #expect(error.code == "phoneRejected")
                #expect(error.message.contains("Web Access"))
            }
        }
    }

    @Test("probe: reachable, unreachable while the phone is down, reachable again when it is back")
    func probe() async throws {
        try await CiscoTestRig.run { rig in
            #expect(await rig.driver.probe() == .reachable)
            #expect(rig.emulator.requests.last?.target == "/DeviceInformationX")
            await rig.emulator.stop()
            guard case .unreachable(let code, _) = await rig.driver.probe() else {
                Issue.record("probe of a stopped phone was not unreachable"); return
            }
            #expect(code == "unreachable")
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

    @Test("no HTTP events: every callback is an unknown route; listCalls is nil unless callInfo is on")
    func controlOnly() async throws {
        try await CiscoTestRig.run { rig in
            let result = await rig.driver.receive(
                PhoneEventRequest(method: "POST", subpath: "telephony", query: [], body: Array("<x/>".utf8)))
            #expect(result == .unknownRoute)
            let calls = try await rig.driver.listCalls()
            #expect(calls == nil)
            let text = CiscoDriver.descriptor.provisioning(
                rig.configuration, PhoneProvisioning(eventBaseURL: "http://bridge/phones/x/events", eventToken: "tok", bridgeHost: "bridge"))
            #expect(text.contains("NO call events"))
            #expect(text.contains("Authentication URL"))
            #expect(text.contains("Standard CTI Enabled"))
            #expect(!text.contains("tok"))
            #expect(!text.contains(rig.configuration.password ?? "-"))
        }
    }

    @Test("callInfo: listCalls reads the call page with Basic and reports the phone's calls")
    func callInfo() async throws {
        try await CiscoTestRig.run(options: ["callInfo": .bool(true)]) { rig in
            #expect(try await rig.driver.listCalls() == [])
            let inbound = rig.emulator.ring(from: "9700")
            _ = try await rig.driver.perform(.answer(call: nil))
            _ = try await rig.driver.perform(.dial(try DialString(validating: "3003")))
            let calls = try #require(try await rig.driver.listCalls())
            #expect(calls.count == 2)
            #expect(calls.first == PhoneCallSnapshot(
                call: PhoneCallID(inbound), state: .connected, direction: .inbound, remote: CallParty(address: "9700")))
            #expect(calls.last?.state == .connected)
            #expect(calls.last?.remote == CallParty(address: "3003"))
            #expect(rig.emulator.requests.last?.target == "/CGI/Java/CallInfo1")
        }
        try await CiscoTestRig.run(options: ["callInfo": .bool(true)], password: "bad") { rig in
            do {
                _ = try await rig.driver.listCalls()
                Issue.record("call page read with a wrong password")
            } catch let error as PhoneCommandError {
                #expect(error.code == "phoneRejected")
            }
        }
    }

    @Test("options are checked with the failing key named")
    func optionErrors() {
        func keyPath(_ options: [String: DriverOptionValue], username: String? = "u", password: String? = "p") -> String? {
            do {
                try CiscoDriver.descriptor.validate(PhoneConfiguration(
                    id: "c", driver: "cisco", url: "http://127.0.0.1:1", username: username, password: password,
                    options: DriverOptions(options)))
                return nil
            } catch {
                return error.keyPath
            }
        }
        #expect(CiscoDriver.descriptor.name == "cisco")
        #expect(keyPath([:]) == nil)
        #expect(keyPath(["answerKey": .string("Dial:900")]) == "answerKey")
        #expect(keyPath(["hangupKey": .string("Key:Soft2\"/><ExecuteItem URL=\"Dial:900")]) == "hangupKey")
        #expect(keyPath(["plusPrefix": .string("+")]) == "plusPrefix")
        #expect(keyPath(["callInfoPath": .string("http://evil/")]) == "callInfoPath")
        #expect(keyPath(["callInfo": .string("yes")]) == "callInfo")
        #expect(keyPath(["nope": .bool(true)]) == "nope")
        #expect(keyPath([:], username: nil) == "username")
        #expect(keyPath([:], password: nil) == "password")
    }
}

/// The driver's Error 4 text, rebuilt for comparison.
enum CiscoErrorNumberText {
    static func authenticationHelp(phoneID: String, user: String) -> String {
        "phone \(phoneID) refused the credentials of user \(user) (CiscoIPPhoneError 4 authentication error): the "
            + "phone checks them against the Authentication URL in its CUCM configuration; check that this URL is "
            + "reachable from the phone, that the user exists with this password, is associated with the phone "
            + "(Controlled Devices) and has the roles Standard CTI Enabled and Standard CTI Allow Control of All Phones, "
            + "and that the phone's Web Access is enabled"
    }
}

@Suite("Cisco dial-string injection")
struct CiscoDialInjectionTests {
    @Test("strings that could add commands are refused before the driver",
          arguments: ["1234&key=OK", "1234;CALLEND", #"12"34"#, "12<x>", "12%0d%0a", "1234#&x=1"])
    func refused(raw: String) {
        #expect(throws: DialStringError.self) { try DialString(validating: raw) }
    }

    @Test("a legitimate *72# or +44… reaches the phone as exactly one Dial: with that number",
          arguments: [("*72#", "Dial:*72#"), ("+44 (1632) 960-123", "Dial:+441632960123")])
    func encoded(raw: String, expected: String) async throws {
        try await CiscoTestRig.run { rig in
            _ = try await rig.driver.perform(.dial(try DialString(validating: raw)))
            #expect(rig.emulator.executedURIs == [expected])
            #expect(rig.executes.count == 1)
            // '#', '+' and '*' never appear raw in the form body.
            #expect(!rig.executes[0].text.contains("#"))
            #expect(!rig.executes[0].text.contains("+"))
        }
    }
}
