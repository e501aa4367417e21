import Foundation
import PhoneDrivers
import Testing

@Suite("SafeXMLParser refuses hostile and broken input")
struct SafeXMLParserHostileInputTests {
    let parser = SafeXMLParser()

    /// Parses and returns the error, failing the test if the document was accepted.
    private func refusal(_ text: String, parser: SafeXMLParser? = nil) -> XMLParseError? {
        do {
            let root = try (parser ?? self.parser).parse(text)
            Issue.record("accepted hostile document, root \(root)")
            return nil
        } catch {
            return error
        }
    }

    @Test("XXE file read is refused and no file content leaks into the error")
    func externalEntityFileRead() {
        let error = refusal("""
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <r>&x;</r>
            """)
        #expect(error == .doctypeNotAllowed)
        #expect(!String(describing: error).contains("root:"))
        #expect(!String(reflecting: error).contains("/bin/"))
    }

    @Test("External DTD on the network is refused without connecting")
    func externalDTD() throws {
        let listener = try XMLTestLoopbackListener()
        let started = ContinuousClock.now
        let error = refusal(#"<!DOCTYPE r SYSTEM "http://127.0.0.1:\#(listener.port)/x.dtd"><r/>"#)
        #expect(error == .doctypeNotAllowed)
        #expect(ContinuousClock.now - started < .milliseconds(500))
        #expect(!listener.hasPendingConnection())
    }

    @Test("External entity and parameter entity over the network are refused without connecting")
    func networkEntities() throws {
        let listener = try XMLTestLoopbackListener()
        let base = "http://127.0.0.1:\(listener.port)"
        #expect(refusal(#"<!DOCTYPE r [<!ENTITY % p SYSTEM "\#(base)/p.dtd"> %p;]><r/>"#) == .doctypeNotAllowed)
        #expect(refusal(#"<!DOCTYPE r [<!ENTITY x SYSTEM "\#(base)/x">]><r>&x;</r>"#) == .doctypeNotAllowed)
        #expect(refusal(#"""
            <!DOCTYPE r [<!ENTITY % file SYSTEM "file:///etc/hostname">
            <!ENTITY % wrap "<!ENTITY &#x25; send SYSTEM '\#(base)/?%file;'>"> %wrap; %send;]><r/>
            """#) == .doctypeNotAllowed)
        #expect(!listener.hasPendingConnection())
    }

    @Test("Billion laughs is refused in bounded time and memory")
    func billionLaughs() throws {
        var document = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n"
        for level in 1...9 {
            let references = String(repeating: "&lol\(level - 1);", count: 10)
            document += "<!ENTITY lol\(level) \"\(references)\">\n"
        }
        document += "]>\n<lolz>&lol9;</lolz>"
        try expectBounded(document, parser: parser)
    }

    @Test("Quadratic blowup (one 50 KB entity referenced 50 000 times) is refused in bounded time and memory")
    func quadraticBlowup() throws {
        let entity = String(repeating: "x", count: 50_000)
        let body = String(repeating: "&a;", count: 50_000)
        let document = "<!DOCTYPE r [<!ENTITY a \"\(entity)\">]><r>\(body)</r>"
        // Raise the size limit so it is the DOCTYPE rule, not the size rule, that stops this.
        try expectBounded(document, parser: SafeXMLParser(limits: XMLParsingLimits(maxBytes: 1 << 20)))
    }

    private func expectBounded(_ document: String, parser: SafeXMLParser) throws {
        let residentBefore = try XMLTestSupport.residentBytes()
        let started = ContinuousClock.now
        #expect(refusal(document, parser: parser) == .doctypeNotAllowed)
        #expect(ContinuousClock.now - started < .seconds(1))
        let growth = try XMLTestSupport.residentBytes() - residentBefore
        #expect(growth < 50 << 20, "resident memory grew by \(growth) bytes")
    }

    @Test("An internal DOCTYPE without entities is refused too")
    func plainDoctype() {
        #expect(refusal("<!DOCTYPE CiscoIPPhoneResponse><CiscoIPPhoneResponse/>") == .doctypeNotAllowed)
    }

    @Test("A DOCTYPE is refused before its internal subset is read, so a broken subset is not even noticed")
    func doctypeStopsBeforeSubset() {
        #expect(refusal("<!DOCTYPE r [<!ENTITY broken <!ELEMENT ]><r/>") == .doctypeNotAllowed)
        #expect(refusal("<!DOCTYPE r [<!ENTITY a \"&b;\"><!ENTITY b \"&a;\">]><r>&a;</r>") == .doctypeNotAllowed)
    }

    @Test("10 000 nested elements are refused as too deep")
    func depthBomb() {
        let document = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        #expect(refusal(document) == .tooDeep(limit: 64))
    }

    @Test("Depth limit is exact: the limit itself passes, one more fails")
    func depthLimitBoundary() throws {
        let limited = SafeXMLParser(limits: XMLParsingLimits(maxDepth: 3))
        #expect(try limited.parse("<a><b><c/></b></a>").first(path: "b/c") != nil)
        #expect(refusal("<a><b><c><d/></c></b></a>", parser: limited) == .tooDeep(limit: 3))
    }

    @Test("A depth limit above libxml2's own is clamped so deep documents still report tooDeep")
    func depthLimitClamped() {
        let limits = XMLParsingLimits(maxDepth: 10_000)
        #expect(limits.maxDepth == XMLParsingLimits.libxml2MaximumDepth)
        let document = String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)
        #expect(refusal(document, parser: SafeXMLParser(limits: limits)) == .tooDeep(limit: 256))
    }

    @Test("More elements than the limit are refused")
    func tooManyElements() {
        let flat = "<r>" + String(repeating: "<i/>", count: 10_000) + "</r>"
        #expect(refusal(flat) == .tooManyElements(limit: 10_000))
        let limited = SafeXMLParser(limits: XMLParsingLimits(maxElements: 3))
        #expect((try? limited.parse("<r><i/><i/></r>"))?.children.count == 2)
        #expect(refusal("<r><i/><i/><i/></r>", parser: limited) == .tooManyElements(limit: 3))
    }

    @Test("Oversized input is refused before parsing, even when it is not XML at all")
    func tooLarge() {
        let limited = SafeXMLParser(limits: XMLParsingLimits(maxBytes: 17))
        #expect(refusal("<r>0123456789a</r>", parser: limited) == .tooLarge(limit: 17))
        #expect(throws: XMLParseError.tooLarge(limit: 17)) {
            try limited.parse([UInt8](repeating: 0xFF, count: 18))
        }
        #expect((try? limited.parse("<r>0123456789</r>"))?.trimmedText == "0123456789")
        let defaultSized = [UInt8](repeating: UInt8(ascii: " "), count: 256 * 1024 + 1)
        #expect(throws: XMLParseError.tooLarge(limit: 256 * 1024)) { try parser.parse(defaultSized) }
    }

    @Test("Mismatched tags are malformed with the line of the mismatch")
    func malformedWithLine() {
        guard case .malformed(let line, let message) = refusal("<a><b></a>") else {
            Issue.record("not reported as malformed")
            return
        }
        #expect(line == 1)
        #expect(message.contains("mismatch"))
        guard case .malformed(let laterLine, _) = refusal("<a>\n<b>\n</a>\n") else {
            Issue.record("not reported as malformed")
            return
        }
        #expect(laterLine == 3)
    }

    @Test("Other well-formedness errors are malformed", arguments: [
        "<a>&undeclared;</a>", "<a b='1' b='2'/>", "<a></a><b/>", "<a>", "text only", "<a>\u{1}</a>",
    ])
    func otherMalformed(document: String) {
        guard case .malformed(let line, let message) = refusal(document) else {
            Issue.record("not reported as malformed")
            return
        }
        #expect(line >= 1)
        #expect(!message.isEmpty)
    }

    @Test("Empty input and whitespace-only input are empty; a declaration without a root is malformed")
    func emptyInput() {
        #expect(throws: XMLParseError.empty) { try parser.parse([UInt8]()) }
        #expect(refusal("") == .empty)
        #expect(refusal("  \r\n\t ") == .empty)
        guard case .malformed = refusal("<?xml version=\"1.0\"?>\n") else {
            Issue.record("not reported as malformed")
            return
        }
    }

    @Test("Garbage and broken encodings are malformed, never a crash", arguments: [
        [0xFF, 0xFE, 0x00, 0xD8, 0x3C, 0x00],
        [0xC3, 0x28, 0x3C, 0x61, 0x3E],
        Array("<a>\u{FFFD}".utf8) + [0xC0, 0xAF] + Array("</a>".utf8),
        Array(#"<?xml version="1.0" encoding="UTF-16"?><a/>"#.utf8),
        Array(#"<?xml version="1.0" encoding="no-such-charset"?><a/>"#.utf8),
        [0x3C, 0x61, 0x3E, 0x00, 0x3C, 0x2F, 0x61, 0x3E],
    ] as [[UInt8]])
    func garbageBytes(bytes: [UInt8]) {
        #expect {
            try parser.parse(bytes)
        } throws: { error in
            guard case .malformed = error as? XMLParseError else { return false }
            return true
        }
    }

    @Test("Random bytes never crash the parser and are never accepted as a document")
    func randomBytes() {
        var generator = XMLTestRandom(seed: 0x5eed)
        for _ in 0..<2_000 {
            let count = Int(generator.next() % 200)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if generator.next() % 2 == 0 { bytes.insert(contentsOf: Array("<a ".utf8), at: 0) }
            #expect(throws: XMLParseError.self) { try parser.parse(bytes) }
        }
    }

    @Test("libxml2 prints nothing to stderr, whatever it is fed")
    func silentOnStandardError() throws {
        let hostile: [[UInt8]] = [
            Array("<a><b></a>".utf8),
            Array("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>".utf8),
            Array("<a><x:b/></a>".utf8),
            Array(#"<?xml version="1.0" encoding="ISO-2022-JP"?><a>"#.utf8) + [0x1B, 0x24, 0x42, 0xFF, 0xFF] + Array("</a>".utf8),
            Array(#"<?xml version="1.0" encoding="UTF-16"?>"#.utf8) + [0x3C, 0x00, 0x00, 0xDC, 0x3E, 0x00],
            [0xFF, 0xFE, 0x3C, 0x00, 0x00, 0xDC, 0x61, 0x00],
            Array(String(repeating: "<a>", count: 400).utf8),
        ]
        let output = try XMLTestSupport.capturingStandardError {
            for bytes in hostile { _ = try? parser.parse(bytes) }
        }
        for marker in ["parser error", "encoding error", "I/O error", "namespace error", "warning :", "Entity:"] {
            #expect(!output.contains(marker), "libxml2 wrote to stderr: \(output)")
        }
    }
}
