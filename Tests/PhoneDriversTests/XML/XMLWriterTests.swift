import PhoneDrivers
import Testing

@Suite("XMLWriter builds phone requests that mean exactly what the driver asked")
struct XMLWriterTests {
    @Test("Cisco CiscoIPPhoneExecute request")
    func ciscoExecute() throws {
        var writer = XMLWriter()
        try writer.element("CiscoIPPhoneExecute") { writer throws(XMLWriteError) in
            try writer.element("ExecuteItem", attributes: ["Priority": "0", "URL": "Dial:1234"])
        }
        #expect(writer.output == """
            <?xml version="1.0" encoding="UTF-8"?><CiscoIPPhoneExecute>\
            <ExecuteItem Priority="0" URL="Dial:1234"/></CiscoIPPhoneExecute>
            """)
    }

    @Test("Poly push request keeps the backslashes of tel:\\\\ and omits the declaration on request")
    func polyPush() throws {
        var writer = XMLWriter(declaration: false)
        try writer.element("PolycomIPPhone") { writer throws(XMLWriteError) in
            try writer.element("Data", attributes: ["priority": "Critical"], text: #"tel:\\1234"#)
        }
        #expect(writer.output == #"<PolycomIPPhone><Data priority="Critical">tel:\\1234</Data></PolycomIPPhone>"#)
        let parsed = try SafeXMLParser().parse(writer.output)
        #expect(parsed.text(at: "Data") == #"tel:\\1234"#)
    }

    @Test("Hostile values survive a write and a parse unchanged, as attribute and as text", arguments: [
        #"12"34"#, "12<x>", "1234&key=OK", "a'b", "a\r\nb", "a\rb", "line1\nline2", "tab\there", "  padded  ",
        "]]>", "&amp;", "&#x41;", #"Dial:1"/><ExecuteItem URL="Key:Speaker"#, "Müller ☎ 𝄞", "",
    ])
    func roundTrip(value: String) throws {
        var writer = XMLWriter()
        try writer.element("CiscoIPPhoneExecute") { writer throws(XMLWriteError) in
            try writer.element("ExecuteItem", attributes: ["URL": value])
            try writer.element("Note", text: value)
        }
        let root = try SafeXMLParser().parse(writer.output)
        #expect(root.children.map(\.name) == ["ExecuteItem", "Note"])
        #expect(root.child("ExecuteItem")?.attributes == ["URL": value])
        #expect(root.child("Note")?.text == value)
    }

    @Test("Characters XML 1.0 cannot carry are refused, in attributes and in text", arguments: [
        "\u{0}", "\u{1}", "\u{8}", "\u{B}", "\u{C}", "\u{1B}", "\u{1F}", "\u{FFFE}", "\u{FFFF}",
    ])
    func forbiddenCharacters(character: String) {
        let expected = XMLWriteError.characterNotAllowed(character.unicodeScalars.first!.value)
        var writer = XMLWriter(declaration: false)
        #expect(throws: expected) { try writer.element("ExecuteItem", attributes: ["URL": "Dial:12\(character)34"]) }
        #expect(throws: expected) { try writer.element("Data", text: "tel:12\(character)34") }
        #expect(throws: expected) { try writer.text(character) }
        #expect(writer.output.isEmpty, "nothing of a refused empty element or text is written")
    }

    @Test("Characters XML allows but that look odd are written, not refused")
    func allowedOddCharacters() throws {
        let value = "\u{7F}\u{85}\u{A0}\u{FFFD}\u{10FFFF}"
        var writer = XMLWriter()
        try writer.element("a", attributes: ["b": value], text: value)
        let root = try SafeXMLParser().parse(writer.output)
        #expect(root.attribute("b") == value)
        #expect(root.text == value)
    }

    @Test("Invalid element and attribute names are refused", arguments: ["", "1abc", "a b", "a<b", "a\"", "-x", "é"])
    func invalidNames(name: String) {
        var writer = XMLWriter()
        #expect(throws: XMLWriteError.invalidName(name)) { try writer.element(name) }
        #expect(throws: XMLWriteError.invalidName(name)) { try writer.element("ok", attributes: [name: "v"]) }
    }

    @Test("Nested content and mixed text are written in order")
    func nesting() throws {
        var writer = XMLWriter(declaration: false)
        try writer.element("r", attributes: ["a": "1"]) { writer throws(XMLWriteError) in
            try writer.text("x<")
            try writer.element("c") { writer throws(XMLWriteError) in try writer.element("d") }
            try writer.element("e", text: "")
        }
        #expect(writer.output == #"<r a="1">x&lt;<c><d/></c><e></e></r>"#)
    }
}
