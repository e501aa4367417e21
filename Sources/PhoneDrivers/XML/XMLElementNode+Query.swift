/// Lookups by local name, so the same query works whatever namespace (e.g. CSTA edition) a phone uses.
extension XMLElementNode {
    /// The first direct child with this local name.
    public func child(_ name: String) -> XMLElementNode? {
        children.first { $0.name == name }
    }

    /// All direct children with this local name, in document order.
    public func children(_ name: String) -> [XMLElementNode] {
        children.filter { $0.name == name }
    }

    /// The first element reached by following child names separated by `/`, starting below this element.
    ///
    /// `"IncomingCallEvent/PhoneIP"` on a `<PolycomIPPhone>` root finds its grandchild. An empty path
    /// returns this element.
    public func first(path: String) -> XMLElementNode? {
        var current = self
        for step in Self.steps(of: path) {
            guard let next = current.child(step) else { return nil }
            current = next
        }
        return current
    }

    /// Every element reached by following child names separated by `/`, over all branches, in document order.
    public func all(path: String) -> [XMLElementNode] {
        var level = [self]
        for step in Self.steps(of: path) {
            level = level.flatMap { $0.children(step) }
            if level.isEmpty { break }
        }
        return level
    }

    /// All elements below this one with this local name, in document order (pre-order), excluding this element.
    public func descendants(named name: String) -> [XMLElementNode] {
        var found: [XMLElementNode] = []
        collectDescendants(named: name, into: &found)
        return found
    }

    /// The attribute with this local name.
    public func attribute(_ name: String) -> String? {
        attributes[name]
    }

    /// This element's own text with leading and trailing whitespace removed.
    public var trimmedText: String {
        Self.trimmed(text)
    }

    /// The trimmed text of the element at `path` (see `first(path:)`), or `nil` when there is no such element.
    public func text(at path: String) -> String? {
        first(path: path)?.trimmedText
    }

    /// The trimmed text at `path` read as a decimal integer, or `nil` when absent or not a number.
    public func int(at path: String) -> Int? {
        text(at: path).flatMap { Int($0) }
    }

    private func collectDescendants(named name: String, into found: inout [XMLElementNode]) {
        for child in children {
            if child.name == name { found.append(child) }
            child.collectDescendants(named: name, into: &found)
        }
    }

    private static func steps(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
