/// Why `SafeXMLParser` refused a document.
public enum XMLParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input had no bytes, or held no element at all.
    case empty
    /// The input was larger than `limit` bytes; nothing was parsed.
    case tooLarge(limit: Int)
    /// Elements were nested deeper than `limit`.
    case tooDeep(limit: Int)
    /// The document had more than `limit` elements.
    case tooManyElements(limit: Int)
    /// The document had a DOCTYPE; phones never send one and it is the only way in for XXE and entity bombs.
    case doctypeNotAllowed
    /// The input is not well-formed XML; `line` is 1-based (0 when libxml2 gave none).
    case malformed(line: Int, message: String)

    /// A one-line explanation for logs.
    public var description: String {
        switch self {
        case .empty: "XML document is empty"
        case .tooLarge(let limit): "XML document is larger than \(limit) bytes"
        case .tooDeep(let limit): "XML elements are nested deeper than \(limit)"
        case .tooManyElements(let limit): "XML document has more than \(limit) elements"
        case .doctypeNotAllowed: "XML document has a DOCTYPE, which is not accepted"
        case .malformed(let line, let message): "malformed XML at line \(line): \(message)"
        }
    }
}
