/// Why `XMLWriter` refused to write something.
public enum XMLWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value held a character XML 1.0 cannot represent (its Unicode scalar value).
    case characterNotAllowed(UInt32)
    /// An element or attribute name is not a plain XML name.
    case invalidName(String)

    /// A one-line explanation for logs.
    public var description: String {
        switch self {
        case .characterNotAllowed(let value):
            "character U+\(String(value, radix: 16, uppercase: true)) is not allowed in XML"
        case .invalidName(let name):
            "\"\(name)\" is not a valid XML name"
        }
    }
}
