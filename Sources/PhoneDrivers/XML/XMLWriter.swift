/// Builds small XML requests for phones, escaping every value so a dial string cannot change the document.
///
/// ```swift
/// var writer = XMLWriter()
/// try writer.element("CiscoIPPhoneExecute") {
///     try $0.element("ExecuteItem", attributes: ["Priority": "0", "URL": "Dial:\(number)"])
/// }
/// let body = writer.output
/// ```
///
/// Characters XML 1.0 does not allow (C0 controls other than tab, LF and CR, and U+FFFE/U+FFFF) are
/// rejected with `XMLWriteError.characterNotAllowed` rather than dropped, because silently changing a dial
/// string would dial someone else. A call that throws leaves `output` as it was before the call.
public struct XMLWriter: Sendable {
    /// The document written so far.
    public private(set) var output: String

    /// Starts a document, with `<?xml version="1.0" encoding="UTF-8"?>` unless `declaration` is false.
    public init(declaration: Bool = true) {
        output = declaration ? #"<?xml version="1.0" encoding="UTF-8"?>"# : ""
    }

    /// Writes an element whose content is produced by `content`; if anything inside fails, none of it is written.
    public mutating func element(
        _ name: String,
        attributes: KeyValuePairs<String, String> = [:],
        content: (inout XMLWriter) throws(XMLWriteError) -> Void
    ) throws(XMLWriteError) {
        let mark = output.utf8.count
        do {
            output += try Self.openTag(name, attributes: attributes) + ">"
            try content(&self)
            output += "</\(name)>"
        } catch {
            output.removeSubrange(output.utf8.index(output.startIndex, offsetBy: mark)...)
            throw error
        }
    }

    /// Writes an element holding only text (an empty string gives `<name></name>`).
    public mutating func element(
        _ name: String,
        attributes: KeyValuePairs<String, String> = [:],
        text: String
    ) throws(XMLWriteError) {
        let tag = try Self.openTag(name, attributes: attributes)
        let escapedText = try Self.escaped(text, inAttribute: false)
        output += tag + ">" + escapedText + "</\(name)>"
    }

    /// Writes an empty element, `<name .../>`.
    public mutating func element(
        _ name: String,
        attributes: KeyValuePairs<String, String> = [:]
    ) throws(XMLWriteError) {
        output += try Self.openTag(name, attributes: attributes) + "/>"
    }

    /// Writes escaped character data at the current position.
    public mutating func text(_ text: String) throws(XMLWriteError) {
        output += try Self.escaped(text, inAttribute: false)
    }

    private static func openTag(
        _ name: String, attributes: KeyValuePairs<String, String>
    ) throws(XMLWriteError) -> String {
        try checkName(name)
        var tag = "<" + name
        for (attribute, value) in attributes {
            try checkName(attribute)
            tag += " \(attribute)=\"\(try escaped(value, inAttribute: true))\""
        }
        return tag
    }

    /// Names come from driver code, not from users; a conservative ASCII subset of XML names is enough.
    private static func checkName(_ name: String) throws(XMLWriteError) {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, isNameStart(first), scalars.allSatisfy(isNameCharacter) else {
            throw .invalidName(name)
        }
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == ":"
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "."
    }

    /// Escapes markup; CR is always a character reference (it would otherwise become LF), and in attributes
    /// TAB and LF are too (they would otherwise become spaces by attribute-value normalisation).
    private static func escaped(_ value: String, inAttribute: Bool) throws(XMLWriteError) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where inAttribute: result += "&quot;"
            case "'" where inAttribute: result += "&apos;"
            case "\r": result += "&#xD;"
            case "\n" where inAttribute: result += "&#xA;"
            case "\t" where inAttribute: result += "&#x9;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            default:
                guard isAllowedInXML(scalar) else { throw .characterNotAllowed(scalar.value) }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// XML 1.0 `Char`; Swift strings cannot hold surrogates, so only controls and U+FFFE/U+FFFF remain to refuse.
    private static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
    }
}
