import CallModel
import Foundation
import Testing

@testable import Presence

@Suite("Contact search and caller naming")
struct ContactSearchTests {
    @Test("search by name: case- and accent-insensitive substring, internal contacts first", arguments: [
        ("zoe", ["Zoë Müller"]), ("MÜLLER", ["Zoë Müller"]), ("jones", ["Bob Jones", "Bob Jones"]),
        ("diaz", ["Carol Díaz"]), ("globex", ["Zoë Müller"]), ("nobody", []),
    ])
    func byName(query: String, names: [String]) {
        let h = DeskHarness()
        #expect(h.desk.searchContacts(query).map(\.name) == names)
    }

    @Test("search by number: digits in any formatting, national or international", arguments: [
        "07700 900123", "+44 7700 900123", "7700-900", "(0)7700900123",
    ])
    func byNumber(query: String) {
        let h = DeskHarness()
        #expect(h.desk.searchContacts(query).map(\.name) == ["Zoë Müller"])
    }

    @Test("internal contacts carry kind, status and presence; external ones a company")
    func contactObjects() throws {
        var h = DeskHarness()
        try h.command(.presence("meeting", message: "back at 4"), "bob")
        let bob = try #require(h.desk.searchContacts("202").first)
        #expect(bob.kind == .internal)
        #expect(bob.id == "bob")
        #expect(bob.status == .unavailable)
        #expect(bob.presence?.message == "back at 4")
        let json = try contractJSON(bob)
        #expect(json["kind"] as? String == "internal")
        let zoe = try #require(h.desk.searchContacts("Zoë").first)
        #expect(zoe.kind == .external)
        #expect(zoe.numbers == ["+441632960999", "+447700900123"])
        #expect(zoe.company == "Globex")
        #expect(zoe.status == nil)
        #expect(h.desk.contact(id: zoe.id) == zoe)
        #expect(h.desk.searchContacts("").count == 6, "an empty query lists everyone")
        #expect(h.desk.searchContacts("", limit: 2).count == 2)
    }

    @Test("callers are named from internal contacts first, then external ones", arguments: [
        ("202", "Bob Jones"), ("sip:202@pbx", "Bob Jones"), ("+441632960123", "Bob Jones (Acme)"),
        ("01632 960999", "Zoë Müller (Globex)"), ("+447700900555", nil),
    ] as [(String, String?)])
    func naming(address: String, name: String?) {
        var h = DeskHarness()
        let effects = h.ring("carol-desk", "1", from: address)
        #expect(effects.changedCalls.first?.remote.name == name)
    }

    @Test("replacing the contacts file renames later callers")
    func replaceContacts() {
        var h = DeskHarness()
        h.desk.replaceExternalContacts(CSVContactParser.parse("Someone Else,+44 7700 900555\n"))
        let effects = h.ring("carol-desk", "1", from: "07700 900555")
        #expect(effects.changedCalls.first?.remote.name == "Someone Else")
        #expect(h.desk.searchContacts("zoe").isEmpty)
    }
}
