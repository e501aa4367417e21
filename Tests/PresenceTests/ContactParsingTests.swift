import Foundation
import Testing

@testable import Presence

@Suite("Contacts file parsing")
struct ContactParsingTests {
    @Test("CSV with a header: quoted fields with commas, quotes and line breaks; several numbers")
    func csvWithHeader() {
        let text = "\u{FEFF}Name,Phone,Mobile,Company\r\n"
            + "\"Jones, Bob\",+44 1632 960123,\"07700 900123; 07700 900124\",\"Acme \"\"Rockets\"\"\"\r\n"
            + "Ann Lee,,,\"Multi\nLine Ltd\"\r\n"
            + ",,,\r\n"
            + "\"\",0161 496 0000,,\n"
        let entries = CSVContactParser.parse(text)
        #expect(entries == [
            ExternalContactEntry(
                name: "Jones, Bob", numbers: ["+44 1632 960123", "07700 900123", "07700 900124"], company: "Acme \"Rockets\""),
            ExternalContactEntry(name: "Ann Lee", numbers: [], company: "Multi Line Ltd"),
            ExternalContactEntry(name: "0161 496 0000", numbers: ["0161 496 0000"], company: nil),
        ])
    }

    @Test("CSV without a header: name, then numbers and company found by content")
    func csvPositional() {
        let entries = CSVContactParser.parse("Bob Jones,01632 960123,Acme\nZoë,Globex,+33 1 23 45 67 89,0612345678\n")
        #expect(entries == [
            ExternalContactEntry(name: "Bob Jones", numbers: ["01632 960123"], company: "Acme"),
            ExternalContactEntry(name: "Zoë", numbers: ["+33 1 23 45 67 89", "0612345678"], company: "Globex"),
        ])
    }

    @Test("CSV with first and last name columns")
    func csvFirstLast() {
        let entries = CSVContactParser.parse("First Name,Last Name,Telephone\nAda,Lovelace,020 7946 0001\n")
        #expect(entries == [ExternalContactEntry(name: "Ada Lovelace", numbers: ["020 7946 0001"])])
    }

    @Test("vCard 3 and 4: FN, several TEL (tel: URIs, groups, folding), ORG, N when FN is missing")
    func vCard() {
        let text = """
            BEGIN:VCARD\r
            VERSION:3.0\r
            FN:Bob Jones\r
            N:Jones;Bob;;;\r
            TEL;TYPE=WORK,VOICE:+44 1632 960123\r
            item1.TEL;TYPE=CELL:07700\r
              900123\r
            ORG:Acme\\, Inc.;Sales\r
            END:VCARD\r
            BEGIN:VCARD
            VERSION:4.0
            N:Müller;Zoë;;Dr.;
            TEL;VALUE=uri;TYPE="voice,home":tel:+33-1-23-45-67-89;ext=12
            END:VCARD
            BEGIN:VCARD
            VERSION:4.0
            NOTE:no name, no number
            END:VCARD
            """
        let entries = ContactFileParser.parse(text)
        #expect(entries == [
            ExternalContactEntry(name: "Bob Jones", numbers: ["+44 1632 960123", "07700 900123"], company: "Acme, Inc."),
            ExternalContactEntry(name: "Dr. Zoë Müller", numbers: ["+33-1-23-45-67-89"], company: nil),
        ])
    }

    @Test("stable ids: the same entry gets the same id, formatting of numbers does not matter")
    func stableIDs() {
        let a = ExternalContactEntry(name: "Bob Jones", numbers: ["+44 1632 960123"], company: "Acme")
        let b = ExternalContactEntry(name: "Bob Jones", numbers: ["+44-1632-960-123"], company: "Acme")
        let c = ExternalContactEntry(name: "Bob Jones", numbers: ["+44 1632 960124"], company: "Acme")
        #expect(a.stableID == b.stableID)
        #expect(a.stableID != c.stableID)
        #expect(a.stableID.hasPrefix("ext-") && a.stableID.count == 20)
        // Pinned: favorites store these ids, so the algorithm must never change between versions.
        #expect(a.stableID == "ext-a8a787ecadfe4e04")
        let first = AgentDesk(
            configuration: DeskHarness.configuration, contacts: [a, a], now: DeskHarness.start, makeCallID: { "x" })
        let ids = first.searchContacts("bob jones").filter { $0.kind == .external }.map(\.id)
        #expect(ids == [a.stableID, a.stableID + "-2"], "duplicates are told apart, deterministically")
    }

    static let hostile: [String] = [
        String(repeating: "\"", count: 10_001),
        "\"never closed, " + String(repeating: "x", count: 100_000),
        String(repeating: ",", count: 100_000),
        String(repeating: "a\n", count: 60_000),
        "BEGIN:VCARD\n" + String(repeating: " folded", count: 50_000),
        "BEGIN:VCARD\nFN:" + String(repeating: "é", count: 10_000) + "\nTEL:" + String(repeating: "1;", count: 5_000) + "\nEND:VCARD",
        "\u{0}\u{1}\u{7F}name\u{0},\u{202E}123456\r\r\r\n\n",
        "BEGIN:VCARD\nEND:VCARD\nEND:VCARD\nFN:orphan\n:\n;;;:\n",
    ]

    @Test("hostile input: no crash, bounded output, no control characters", arguments: hostile.indices)
    func hostileInput(_ index: Int) {
        let entries = ContactFileParser.parse(Self.hostile[index])
        #expect(entries.count <= ContactFileLimits.maximumEntries)
        for entry in entries {
            #expect(entry.name.count <= ContactFileLimits.maximumFieldLength)
            #expect(entry.numbers.count <= ContactFileLimits.maximumNumbersPerEntry)
            #expect(!entry.name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        }
    }
}
