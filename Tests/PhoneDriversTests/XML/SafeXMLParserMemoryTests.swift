import PhoneDrivers
import Testing

@Suite("SafeXMLParser frees what it allocates")
struct SafeXMLParserMemoryTests {
    @Test("20 000 parses of accepted and refused documents do not grow resident memory")
    func noLeakAcrossParses() throws {
        let parser = SafeXMLParser()
        let documents = [
            "<CiscoIPPhoneResponse><ResponseItem Status=\"0\" Data=\"\" URL=\"Dial:1\"/></CiscoIPPhoneResponse>",
            "<a><b></a>",
            "<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>",
            String(repeating: "<a>", count: 70) + String(repeating: "</a>", count: 70),
        ]
        for document in documents { _ = try? parser.parse(document) }
        let before = try XMLTestSupport.residentBytes()
        for round in 0..<20_000 { _ = try? parser.parse(documents[round % documents.count]) }
        let growth = try XMLTestSupport.residentBytes() - before
        #expect(growth < 16 << 20, "resident memory grew by \(growth) bytes")
    }
}
