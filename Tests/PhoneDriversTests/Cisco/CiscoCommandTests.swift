import CallModel
import Foundation
import Logging
import PhoneDrivers
import Testing
import TestSupport

@Suite("Cisco commands")
struct CiscoCommandTests {
    @Test("dial posts XML=<CiscoIPPhoneExecute> with Dial:<digits> as a form with Basic credentials")
    func dial() async throws {
        try await CiscoTestRig.run { rig in
            let outcome = try await rig.driver.perform(.dial(try DialString(validating: "+44 1632 960123")))
            #expect(outcome.callID == nil)
            #expect(rig.executes.count == 1)
            let request = try #require(rig.executes.first)
            #expect(request.method == "POST")
            #expect(request.text == CiscoTestRig.expectedForm("Dial:+441632960123"))
            #expect(request.header("content-type") == "application/x-www-form-urlencoded")
            #expect(request.header("authorization")
                == "Basic " + Data("ctiuser:Cucm-Pa55".utf8).base64EncodedString())
            #expect(rig.emulator.executedURIs == ["Dial:+441632960123"])
            #expect(rig.emulator.calls.map(\.remote) == ["+441632960123"])
        }
    }

    @Test("plusPrefix replaces a leading + for firmware that cannot dial it")
    func plusPrefix() async throws {
        try await CiscoTestRig.run(options: ["plusPrefix": .string("00")]) { rig in
            _ = try await rig.driver.perform(.dial(try DialString(validating: "+441632960123")))
            #expect(rig.emulator.executedURIs == ["Dial:00441632960123"])
        }
    }

    @Test("answer, hold, resume and hang up send the family's Key: URIs and the phone's state follows")
    func keys() async throws {
        try await CiscoTestRig.run(model: "CP-8845") { rig in
            rig.emulator.ring(from: "2001")
            _ = try await rig.driver.perform(.answer(call: nil))
            #expect(rig.emulator.calls.first?.state == "CONNECTED")
            _ = try await rig.driver.perform(.hold(call: nil))
            #expect(rig.emulator.calls.first?.state == "HOLD")
            _ = try await rig.driver.perform(.resume(call: nil))
            #expect(rig.emulator.calls.first?.state == "CONNECTED")
            _ = try await rig.driver.perform(.hangup(call: nil))
            #expect(rig.emulator.calls.isEmpty)
            #expect(rig.emulator.executedURIs == ["Key:Speaker", "Key:Hold", "Key:Hold", "Key:Speaker"])
            #expect(rig.executes.map(\.text) == ["Key:Speaker", "Key:Hold", "Key:Hold", "Key:Speaker"].map(CiscoTestRig.expectedForm))
        }
    }

    @Test("Desk 9800 holds with Key:FixedFeature3; configured keys replace the defaults")
    func familyKeys() async throws {
        try await CiscoTestRig.run(model: "Desk Phone 9871") { rig in
            _ = try await rig.driver.perform(.hold(call: nil))
            #expect(rig.emulator.executedURIs == ["Key:FixedFeature3"])
        }
        try await CiscoTestRig.run(options: ["hangupKey": .string("Key:Soft2"), "answerKey": .string("Key:Headset")]) { rig in
            _ = try await rig.driver.perform(.answer(call: nil))
            _ = try await rig.driver.perform(.hangup(call: nil))
            #expect(rig.emulator.executedURIs == ["Key:Headset", "Key:Soft2"])
        }
    }

    @Test("capabilities per model family; the session refuses the rest without sending anything")
    func capabilities() async throws {
        try await CiscoTestRig.run(model: "7965") { rig in
            #expect(rig.driver.capabilities == [.dial, .answer, .hangup])
            let session = PhoneSession(
                id: rig.configuration.id, driverName: "cisco", driver: rig.driver, logger: Logger(label: "test"),
                onStatusChange: { _ in })
            for command: PhoneCommand in [
                .hold(call: nil), .resume(call: nil), .setDoNotDisturb(true), .setForwarding(nil),
                .transfer(to: try DialString(validating: "2000"), call: nil),
            ] {
                do {
                    _ = try await session.perform(command)
                    Issue.record("\(command) was not refused")
                } catch let error as PhoneCommandError {
                    #expect(error.code == "notSupported")
                }
            }
            #expect(rig.emulator.requests.isEmpty)
        }
        try await CiscoTestRig.run(model: "7965", options: ["holdKey": .string("Key:Soft3")]) { rig in
            #expect(rig.driver.capabilities == [.dial, .answer, .hangup, .hold, .resume])
        }
        for model in ["CP-7841", "CP-8851", "Desk 9851", "unknown"] {
            try await CiscoTestRig.run(model: model) { rig in
                #expect(rig.driver.capabilities == [.dial, .answer, .hangup, .hold, .resume], "\(model)")
            }
        }
        try await CiscoTestRig.run(options: ["holdKey": .string("none")]) { rig in
            #expect(rig.driver.capabilities == [.dial, .answer, .hangup])
        }
    }

    @Test("a SIP URI cannot be dialled with Dial:")
    func sipURI() async throws {
        try await CiscoTestRig.run { rig in
            do {
                _ = try await rig.driver.perform(.dial(try DialString(validating: "sip:alice@pbx")))
                Issue.record("SIP URI dialled")
            } catch let error as PhoneCommandError {
                #expect(error.code == "notSupported")
            }
            #expect(rig.emulator.requests.isEmpty)
        }
    }
}
