import CallModel
import Foundation
import PhoneDrivers
import Testing
import TestSupport

@Suite("Poly dial-string injection")
struct PolyDialInjectionTests {
    static let hostile = ["1234&key=OK", "1234;CALLEND", #"12"34"#, "12<x>", "12%0d%0a", "1234#&x=1", "12\r\nKey:Softkey1"]

    @Test("strings that could add commands are refused before any driver sees them", arguments: hostile)
    func refusedByDialString(raw: String) {
        #expect(throws: DialStringError.self) { try DialString(validating: raw) }
    }

    @Test("REST: a legitimate *72# or +44… reaches the phone as exactly one dial with that number",
          arguments: [("*72#", "*72#"), ("+44 (1632) 960-123", "+441632960123")])
    func restEncoding(raw: String, expected: String) async throws {
        try await PolyTestRig.run(options: ["dialHandleWaitSeconds": .number(0)]) { rig in
            _ = try await rig.driver.perform(.dial(try DialString(validating: raw)))
            let dials = rig.requests(to: "/api/v1/callctrl/dial")
            #expect(dials.count == 1)
            #expect(rig.emulator.calls.map(\.remoteNumber) == [expected])
            #expect(rig.emulator.requests.filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test("Push: a legitimate *72# or +44… is pushed as exactly one tel: URI",
          arguments: [("*72#", #"tel:\\*72#"#), ("+44 1632 960123", #"tel:\\+441632960123"#)])
    func pushEncoding(raw: String, expected: String) async throws {
        try await PolyTestRig.run(options: ["api": .string("push")]) { rig in
            _ = try await rig.driver.perform(.dial(try DialString(validating: raw)))
            #expect(rig.emulator.pushedURIs == [expected])
            #expect(rig.emulator.calls.count == 1)
        }
    }
}
