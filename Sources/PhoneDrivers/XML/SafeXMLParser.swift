internal import CXML
import Synchronization

/// Parses untrusted XML from phones into `XMLElementNode` values, refusing anything a phone would never send.
///
/// This is the only file that touches libxml2. Every parse gets its own parser context, its own
/// error capture and its own limits; no libxml2 pointer outlives `parse`. Documents with a DOCTYPE are
/// refused the moment the DOCTYPE is seen, before its internal subset is read, so no entity is ever
/// declared, loaded or expanded. libxml2 writes nothing to stderr.
public struct SafeXMLParser: Sendable {
    /// The bounds this parser enforces.
    public let limits: XMLParsingLimits

    /// Creates a parser with the given limits.
    public init(limits: XMLParsingLimits = .default) {
        self.limits = limits
    }

    /// Parses a document held in a string (encoded as UTF-8 for the parser) and returns its root element.
    public func parse(_ text: String) throws(XMLParseError) -> XMLElementNode {
        var text = text
        return try text.withUTF8 { buffer in Result { () throws(XMLParseError) in try parse(buffer: buffer) } }.get()
    }

    /// Parses a document from raw bytes (any encoding libxml2 detects or the XML declaration names).
    public func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(XMLParseError) -> XMLElementNode {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(limit: limits.maxBytes) }
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(XMLParseError) in try parse(buffer: buffer) }
        }
        if let contiguous { return try contiguous.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer in
            Result { () throws(XMLParseError) in try parse(buffer: buffer) }
        }.get()
    }

    /// `xmlInitParser` must run once per process before libxml2 is used from several threads.
    private static let libxml2Initialised: Void = xmlInitParser()

    /// NONET: never fetch anything. NOERROR/NOWARNING: errors are captured, never printed.
    /// Deliberately absent: NOENT, DTDLOAD, DTDATTR, DTDVALID, HUGE, RECOVER, XINCLUDE.
    private static let options = Int32(bitPattern:
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue)

    private func parse(buffer: UnsafeBufferPointer<UInt8>) throws(XMLParseError) -> XMLElementNode {
        guard buffer.count <= limits.maxBytes else { throw .tooLarge(limit: limits.maxBytes) }
        guard let base = buffer.baseAddress, buffer.contains(where: { !Self.isXMLWhitespace($0) }) else {
            throw .empty
        }
        _ = Self.libxml2Initialised

        let savedHandlers = cxml_silence_thread_error_handlers()
        defer { cxml_restore_thread_error_handlers(savedHandlers) }

        guard let context = xmlNewParserCtxt() else {
            throw .malformed(line: 0, message: "libxml2 could not allocate a parser context")
        }
        defer { xmlFreeParserCtxt(context) }

        let watch = ParseWatch(limits: limits)
        return try withExtendedLifetime(watch) { () throws(XMLParseError) -> XMLElementNode in
            guard Self.install(watch, on: context) else {
                throw .malformed(line: 0, message: "libxml2 parser context has no SAX handler")
            }
            let document = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { bytes in
                xmlCtxtReadMemory(context, bytes, Int32(buffer.count), nil, nil, Self.options)
            }
            defer { if let document { xmlFreeDoc(document) } }

            let outcome = watch.outcome()
            if let violation = outcome.violation { throw violation }
            if let document, context.pointee.wellFormed != 0, document.pointee.intSubset == nil,
               document.pointee.extSubset == nil {
                guard let root = xmlDocGetRootElement(document) else { throw .empty }
                return Self.copy(root)
            }
            if document?.pointee.intSubset != nil || document?.pointee.extSubset != nil {
                throw .doctypeNotAllowed
            }
            guard let failure = outcome.firstFatal ?? outcome.firstError else {
                throw .malformed(line: 0, message: "libxml2 reported no reason")
            }
            throw .malformed(line: failure.line, message: failure.message)
        }
    }

    private static func isXMLWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Hooks this parse's SAX handler (owned by `context`, not shared) so limits and DOCTYPE are enforced
    /// while parsing, before any tree for a hostile document is built.
    private static func install(_ watch: ParseWatch, on context: xmlParserCtxtPtr) -> Bool {
        context.pointee._private = Unmanaged.passUnretained(watch).toOpaque()
        guard let sax = context.pointee.sax else { return false }
        sax.pointee.internalSubset = { @Sendable userData, _, _, _ in
            guard let (context, watch) = ParseWatch.from(userData) else { return }
            watch.refuse(.doctypeNotAllowed)
            xmlStopParser(context)
        }
        sax.pointee.externalSubset = nil
        sax.pointee.entityDecl = nil
        sax.pointee.startElementNs = { @Sendable userData, name, prefix, uri, nsCount, namespaces, attributeCount, defaulted, attributes in
            guard let (context, watch) = ParseWatch.from(userData) else { return }
            guard watch.enterElement() else {
                xmlStopParser(context)
                return
            }
            xmlSAX2StartElementNs(
                userData, name, prefix, uri, nsCount, namespaces, attributeCount, defaulted, attributes)
        }
        sax.pointee.endElementNs = { @Sendable userData, name, prefix, uri in
            guard let (_, watch) = ParseWatch.from(userData) else { return }
            watch.leaveElement()
            xmlSAX2EndElementNs(userData, name, prefix, uri)
        }
        sax.pointee.serror = { @Sendable userData, error in
            guard let (_, watch) = ParseWatch.from(userData), let error else { return }
            watch.record(error.pointee)
        }
        return true
    }

    /// Copies an element and its subtree; depth is already bounded by the limits enforced during parsing.
    private static func copy(_ element: xmlNodePtr) -> XMLElementNode {
        var node = XMLElementNode(name: localName(element.pointee.name))
        if let href = element.pointee.ns?.pointee.href {
            node.namespaceURI = String(cString: href)
        }
        var attribute = element.pointee.properties
        while let current = attribute {
            node.attributes[localName(current.pointee.name)] = textContent(of: current.pointee.children)
            attribute = current.pointee.next
        }
        var child = element.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                node.children.append(copy(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { node.text += String(cString: content) }
            default:
                break
            }
            child = current.pointee.next
        }
        return node
    }

    private static func textContent(of firstChild: xmlNodePtr?) -> String {
        var text = ""
        var child = firstChild
        while let current = child {
            if let content = current.pointee.content { text += String(cString: content) }
            child = current.pointee.next
        }
        return text
    }

    /// libxml2 keeps `prefix:name` as the name when the prefix was undeclared; drop the prefix.
    private static func localName(_ name: UnsafePointer<xmlChar>?) -> String {
        guard let name else { return "" }
        let full = String(cString: name)
        guard let colon = full.lastIndex(of: ":") else { return full }
        return String(full[full.index(after: colon)...])
    }
}

/// What one parse has seen so far, shared between `parse` and the libxml2 callbacks it installs.
private final class ParseWatch: Sendable {
    struct Failure: Sendable {
        var code: Int32
        var line: Int
        var message: String
    }

    struct Outcome: Sendable {
        var depth = 0
        var elements = 0
        var violation: XMLParseError?
        var firstFatal: Failure?
        var firstError: Failure?
    }

    private let limits: XMLParsingLimits
    private let state = Mutex(Outcome())

    init(limits: XMLParsingLimits) {
        self.limits = limits
    }

    /// The parser context and watch behind a callback's `userData`, which libxml2 sets to the context.
    static func from(_ userData: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, ParseWatch)? {
        guard let userData else { return nil }
        let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let watch = context.pointee._private else { return nil }
        return (context, Unmanaged<ParseWatch>.fromOpaque(watch).takeUnretainedValue())
    }

    func outcome() -> Outcome {
        state.withLock { $0 }
    }

    func refuse(_ violation: XMLParseError) {
        state.withLock { outcome in
            if outcome.violation == nil { outcome.violation = violation }
        }
    }

    /// Counts an element start; returns false (and records why) when it breaks a limit.
    func enterElement() -> Bool {
        state.withLock { outcome in
            outcome.depth += 1
            outcome.elements += 1
            if outcome.depth > limits.maxDepth {
                outcome.violation = outcome.violation ?? .tooDeep(limit: limits.maxDepth)
            } else if outcome.elements > limits.maxElements {
                outcome.violation = outcome.violation ?? .tooManyElements(limit: limits.maxElements)
            }
            return outcome.violation == nil
        }
    }

    func leaveElement() {
        state.withLock { $0.depth -= 1 }
    }

    func record(_ error: xmlError) {
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        let failure = Failure(
            code: error.code,
            line: Int(error.line),
            message: error.message.map { String(cString: $0) }.map(Self.singleLine) ?? "unknown error")
        state.withLock { outcome in
            if outcome.firstError == nil { outcome.firstError = failure }
            if error.level == XML_ERR_FATAL, outcome.firstFatal == nil { outcome.firstFatal = failure }
        }
    }

    private static func singleLine(_ message: String) -> String {
        String(message.unicodeScalars.filter { $0 != "\n" && $0 != "\r" })
    }
}
