/// The other party of a call as a phone reported it: the raw address and the display name, both untrusted.
///
/// Vendors report parties as SIP URIs (`sip:01632960123@pbx`), display names or bare digits. The raw string is
/// kept; `userPart` extracts what a number normaliser should look at.
public struct CallParty: Sendable, Equatable, Codable {
    /// What the phone reported as the party's address (SIP URI, tel URI or digits), if anything.
    public var address: String?
    /// The display name the phone reported, if any. Caller-controlled: never trust it for decisions.
    public var displayName: String?

    /// Creates a party from what a phone reported.
    public init(address: String?, displayName: String? = nil) {
        self.address = address.flatMap { $0.isEmpty ? nil : $0 }
        self.displayName = displayName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The user part of a SIP or tel URI (`sip:0163@pbx;user=phone` → `0163`), or the address itself.
    public var userPart: String? {
        guard var value = address else { return nil }
        if let angle = value.firstIndex(of: "<"), let close = value[angle...].firstIndex(of: ">") {
            value = String(value[value.index(after: angle)..<close])
        }
        for scheme in ["sips:", "sip:", "tel:"] where value.lowercased().hasPrefix(scheme) {
            value = String(value.dropFirst(scheme.count))
            break
        }
        if let at = value.firstIndex(of: "@") { value = String(value[..<at]) }
        if let semicolon = value.firstIndex(of: ";") { value = String(value[..<semicolon]) }
        return value.isEmpty ? nil : value
    }
}
