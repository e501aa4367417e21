import CallModel
import Testing

@Suite("Dial strings")
struct DialStringTests {
    @Test(
        "numbers as people and CRMs write them are accepted in canonical form",
        arguments: [
            ("+44 20 7946 0100", "+442079460100"),
            ("(020) 7946-0100", "02079460100"),
            ("201", "201"),
            ("*72#", "*72#"),
            ("  0800.123.456 ", "0800123456"),
        ])
    func acceptsFormattedNumbers(input: String, expected: String) throws {
        let dial = try DialString(validating: input)
        #expect(dial.value == expected)
        #expect(dial.kind == .number)
    }

    @Test("a SIP URI is accepted for drivers that dial URIs")
    func acceptsSIPURI() throws {
        let dial = try DialString(validating: "sip:bob@127.0.0.1:5062")
        #expect(dial.kind == .sipURI)
        #expect(dial.value == "sip:bob@127.0.0.1:5062")
    }

    /// The injection table of the drivers issue: none of these may ever reach a phone.
    @Test(
        "strings that would inject vendor parameters or key presses are refused",
        arguments: [
            "1234&key=OK", "1234;CALLEND", "12\"34", "12<x>", "12%0d%0a", "1234#&x=1", "12\r\n34", "1234?x=1",
            "sip:a@b&c", "sip:a;transport=tcp@host", "sip:a@host:99999", "12+34", "", "+", "abc", "sip:@host",
            "1234'", "12\u{0000}34",
        ])
    func refusesInjection(input: String) {
        #expect(throws: DialStringError.self) { try DialString(validating: input) }
    }

    @Test("an over-long number is refused with a message that says the limit")
    func refusesLongNumbers() {
        #expect(throws: DialStringError.tooLong(maximum: 32)) {
            try DialString(validating: String(repeating: "1", count: 33))
        }
    }

    @Test("error messages never carry a raw control character")
    func messagesAreSafe() {
        do {
            _ = try DialString(validating: "12\r\n")
            Issue.record("accepted CR/LF")
        } catch {
            #expect(!error.description.contains("\r"))
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains("U+D"))
        }
    }
}
