/// One element of a parsed XML document, copied out of the parser into plain Swift values.
///
/// Names are local names (no prefix); the namespace, if any, is in `namespaceURI`. Comments and
/// processing instructions are dropped. `text` is the concatenation of the element's own text and
/// CDATA, untrimmed, without the text of child elements.
public struct XMLElementNode: Sendable, Hashable {
    /// The local name, without any namespace prefix.
    public var name: String
    /// The namespace the element is in, or `nil` when it is in no namespace.
    public var namespaceURI: String?
    /// Attributes keyed by local name; when two prefixed attributes share a local name, the last one wins.
    public var attributes: [String: String]
    /// Child elements in document order.
    public var children: [XMLElementNode]
    /// The element's direct text and CDATA content, concatenated and untrimmed.
    public var text: String

    /// Creates an element value.
    public init(
        name: String,
        namespaceURI: String? = nil,
        attributes: [String: String] = [:],
        children: [XMLElementNode] = [],
        text: String = ""
    ) {
        self.name = name
        self.namespaceURI = namespaceURI
        self.attributes = attributes
        self.children = children
        self.text = text
    }
}
