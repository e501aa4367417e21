/// Cisco CUCM phone families whose `Key:` URIs differ.
public enum CiscoModelFamily: String, Sendable, Equatable, CaseIterable {
    /// 79xx: most have no hardware Hold key (hold is a soft key), so hold/resume are off unless `holdKey` is set.
    case cp79xx = "79xx"
    /// 78xx: hardware Hold key.
    case cp78xx = "78xx"
    /// 88xx: hardware Hold key (the default for unknown models).
    case cp88xx = "88xx"
    /// Desk Phone 9800: fixed feature keys Transfer / Conference / Hold.
    case desk9800 = "9800"

    /// The family of a `model:` value: `7965` → 79xx, `CP-8845` → 88xx, `Desk 9871` → 9800.
    static func forModel(_ model: String?) -> CiscoModelFamily {
        let lowered = (model ?? "").lowercased()
        if lowered.contains("desk") { return .desk9800 }
        let digits = lowered.filter(\.isNumber)
        if digits.hasPrefix("79") { return .cp79xx }
        if digits.hasPrefix("78") { return .cp78xx }
        if digits.hasPrefix("98") { return .desk9800 }
        return .cp88xx
    }

    /// The key that holds and, pressed again, resumes the active call; `nil` where there is none.
    var holdKey: String? {
        switch self {
        case .cp79xx: nil
        case .cp78xx, .cp88xx: "Key:Hold"
        case .desk9800: "Key:FixedFeature3"
        }
    }
}

/// A Cisco phone's driver settings, from `model:` and the phone's `options:` in `drivers.yaml`.
public struct CiscoOptions: Sendable, Equatable {
    /// The model family (`model:`).
    public var family: CiscoModelFamily
    /// The URI that answers a ringing call (`answerKey:`, default `Key:Speaker`).
    public var answerKey: String
    /// The URI that ends the call (`hangupKey:`, default `Key:Speaker`: ends a call on the speaker, which is
    /// where the bridge's dials and answers put it; use the EndCall soft key, e.g. `Key:Soft2`, otherwise).
    public var hangupKey: String
    /// The URI that holds / resumes (`holdKey:`; default per family; `none` switches hold off).
    public var holdKey: String?
    /// Replaces a leading `+` of dialled numbers (`plusPrefix:`, e.g. `"00"`); `nil` dials `+` as is.
    public var plusPrefix: String?
    /// Reads the phone's call page for `listCalls()` (`callInfo: true`; default false).
    public var callInfo: Bool
    /// The call page's path (`callInfoPath:`, default `/CGI/Java/CallInfo1`: line 1).
    public var callInfoPath: String

    static let known: Set<String> = ["answerKey", "hangupKey", "holdKey", "plusPrefix", "callInfo", "callInfoPath"]

    /// Reads and checks the options; unknown keys are errors.
    public init(model: String?, options: DriverOptions) throws(DriverOptionError) {
        try options.allowOnly(Self.known)
        family = CiscoModelFamily.forModel(model)
        answerKey = try options.keyURI("answerKey", vendor: "Cisco", example: "Key:Speaker or Key:Soft2") ?? "Key:Speaker"
        hangupKey = try options.keyURI("hangupKey", vendor: "Cisco", example: "Key:Speaker or Key:Soft2") ?? "Key:Speaker"
        if try options.string("holdKey")?.lowercased() == "none" {
            holdKey = nil
        } else {
            holdKey = try options.keyURI("holdKey", vendor: "Cisco", example: "Key:Speaker or Key:Soft2") ?? family.holdKey
        }
        if let prefix = try options.string("plusPrefix") {
            guard !prefix.isEmpty, prefix.count <= 6, prefix.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw DriverOptionError(keyPath: "plusPrefix", message: "expected up to 6 digits, e.g. \"00\"")
            }
            plusPrefix = prefix
        }
        callInfo = try options.bool("callInfo", default: false)
        let path = try options.string("callInfoPath") ?? "/CGI/Java/CallInfo1"
        guard path.hasPrefix("/"), path.count <= 64,
            path.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_-.".contains($0)) })
        else {
            throw DriverOptionError(keyPath: "callInfoPath", message: "expected a path such as /CGI/Java/CallInfo1")
        }
        callInfoPath = path
    }
}
