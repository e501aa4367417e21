/// Bounds on what `SafeXMLParser` accepts from an untrusted peer.
public struct XMLParsingLimits: Sendable, Hashable {
    /// libxml2 refuses deeper documents by itself (without `XML_PARSE_HUGE`, which we never set).
    public static let libxml2MaximumDepth = 256

    /// Largest accepted document in bytes; checked before any parsing.
    public let maxBytes: Int
    /// Deepest accepted element nesting; the root element is at depth 1. At most `libxml2MaximumDepth`.
    public let maxDepth: Int
    /// Most elements accepted in one document, counting the root.
    public let maxElements: Int

    /// The limits phone drivers use unless they have a reason not to: 256 KiB, depth 64, 10 000 elements.
    public static let `default` = XMLParsingLimits()

    /// Creates limits; values are clamped to at least 1, `maxDepth` to at most `libxml2MaximumDepth`,
    /// and `maxBytes` to what libxml2 can address (`Int32.max`).
    public init(maxBytes: Int = 256 * 1024, maxDepth: Int = 64, maxElements: Int = 10_000) {
        self.maxBytes = min(max(maxBytes, 1), Int(Int32.max))
        self.maxDepth = min(max(maxDepth, 1), Self.libxml2MaximumDepth)
        self.maxElements = max(maxElements, 1)
    }
}
