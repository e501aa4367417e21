import CallModel
import Foundation
import PhoneDrivers
import Testing
import TestSupport

@Suite("Yealink driver: dial strings and call ids cannot inject keys")
struct YealinkInjectionTests {
    @Test(
        "hostile dial strings are refused before any driver sees them",
        arguments: ["1234&key=OK", "1234;CALLEND", "12\"34", "12<x>", "12%0d%0a", "1234#&x=1"])
    func hostileDialStringsRefused(raw: String) {
        #expect(throws: DialStringError.self) { try DialString(validating: raw) }
    }

    @Test(
        "legitimate feature codes and E.164 numbers reach the phone as exactly one dial with the right number",
        arguments: [
            ("*72#", "/servlet?key=number=%2A72%23"), ("+44 20 7946 0100", "/servlet?key=number=%2B442079460100"),
        ])
    func legitimateNumbersEncoded(raw: String, target: String) async throws {
        try await withYealink(options: [:]) { yealink in
            _ = try await yealink.dial(raw)
            #expect(yealink.targets == [target])
            #expect(yealink.emulator.dials.map(\.number) == [try DialString(validating: raw).value])
            #expect(yealink.emulator.executedKeys.count == 1)
            #expect(yealink.emulator.ignoredRequests.isEmpty)
        }
    }

    @Test("a call id that is not the phone's plain id is refused as noCall; nothing is sent", arguments: ["1;CALLEND", "1&key=OK", "33093 ", ""])
    func hostileCallIDs(raw: String) async throws {
        try await withYealink { yealink in
            let error = await yealinkCommandError { () async throws(PhoneCommandError) in
                try await yealink.driver.perform(.hangup(call: PhoneCallID(raw)))
            }
            guard case .noCall = error else { Issue.record("expected noCall, got \(String(describing: error))"); return }
            #expect(yealink.targets.isEmpty)
        }
    }
}
