/// What a Yealink model's Action URI can do, where Yealink's admin guides say models differ.
public struct YealinkModelTraits: Sendable, Equatable {
    /// Whether several `;`-chained keys in one request are executed (needed for the transfer key sequence).
    public var supportsKeyChaining: Bool
    /// Whether the `OK` key answers a ringing call (else answering needs `ASW:<call_id>`).
    public var hasOKKey: Bool

    /// "Key chaining is not applicable to T57W/T48U/T48S/T48G" (Action URI chapter of the admin guides).
    static let modelsWithoutKeyChaining: Set<String> = ["T48G", "T48S", "T48U", "T57W"]
    /// "OK … not on T57W/CP925/CP935W".
    static let modelsWithoutOKKey: Set<String> = ["T57W", "CP925", "CP935W"]

    /// The traits of a configured model name such as `SIP-T48S`, `T46U` or `Yealink T57W`; unknown models are
    /// treated as keypad phones, which is what most Yealink models are.
    public init(model: String?) {
        let name = Self.canonicalModel(model)
        supportsKeyChaining = !Self.modelsWithoutKeyChaining.contains(name)
        hasOKKey = !Self.modelsWithoutOKKey.contains(name)
    }

    /// `SIP-T48S` → `T48S`: upper-cased, blanks, vendor name and `SIP-` prefix removed.
    static func canonicalModel(_ model: String?) -> String {
        var name = (model ?? "").uppercased().filter { !$0.isWhitespace }
        for prefix in ["YEALINK", "SIP-", "SIP"] where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
        }
        return name
    }
}
