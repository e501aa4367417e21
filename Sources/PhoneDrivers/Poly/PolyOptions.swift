/// Which of Poly's two control interfaces a phone is driven through.
public enum PolyControlAPI: String, Sendable, Equatable, CaseIterable {
    /// The REST API (`/api/v1/callctrl/*`, HTTP Basic `Polycom:<admin password>`), UCS 5.9+ (VVX x50/x01/x11,
    /// Trio, CCX).
    case rest
    /// The Push API (`POST /push` with internal URIs, HTTP Digest `apps.push.username/password`), for older
    /// firmware (SoundPoint IP, SoundStation IP, VVX before UCS 5.9) that has no REST API.
    case push

    /// The interface a model family has, when `options.api` does not say: families known to predate the REST
    /// API use Push, everything else REST.
    static func forModel(_ model: String?) -> PolyControlAPI {
        guard let model = model?.lowercased().filter({ !$0.isWhitespace && $0 != "-" && $0 != "_" }) else {
            return .rest
        }
        let pushOnlyPrefixes = ["soundpoint", "soundstation", "spip", "ssip", "ip3", "ip4", "ip5", "ip6", "ip7"]
        return pushOnlyPrefixes.contains { model.hasPrefix($0) } ? .push : .rest
    }
}

/// The `priority` attribute of a push `<Data>` element; the phone's `apps.push.messageType` must admit it.
public enum PolyPushPriority: String, Sendable, Equatable, CaseIterable {
    case normal = "Normal"
    case important = "Important"
    case high = "High"
    case critical = "Critical"

    /// The `apps.push.messageType` value that admits exactly this priority.
    var messageType: Int {
        switch self {
        case .normal: 1
        case .important: 2
        case .high: 3
        case .critical: 4
        }
    }
}

/// A Poly phone's driver settings, from `model:` and the phone's `options:` in `drivers.yaml`.
public struct PolyOptions: Sendable, Equatable {
    /// The control interface (`api: rest|push`; default from `model:`).
    public var api: PolyControlAPI
    /// The line (registration) that dials (`line:`, default 1).
    public var line: Int
    /// The REST callStatus version (`callStatusVersion: v1|v2`, default v1); v2 lists every call.
    public var callStatusVersion: String
    /// The priority of push requests (`pushPriority:`, default Critical).
    public var pushPriority: PolyPushPriority
    /// The internal URI that answers a ringing call in push mode (`pushAnswerKey:`, e.g. `Key:Softkey1`); none
    /// means push mode does not offer answer, because soft-key positions depend on the phone's state.
    public var pushAnswerKey: String?
    /// The internal URI that ends a call in push mode (`pushHangupKey:`); none means no hang-up in push mode.
    public var pushHangupKey: String?
    /// How long to look for the new call's handle in callStatus after a REST dial (`dialHandleWaitSeconds:`,
    /// default 1, 0 = do not look). The dial itself is never repeated.
    public var dialHandleWait: Duration

    /// The option keys this driver knows.
    static let known: Set<String> = [
        "api", "line", "callStatusVersion", "pushPriority", "pushAnswerKey", "pushHangupKey", "dialHandleWaitSeconds",
    ]

    /// Reads and checks the options; unknown keys are errors.
    public init(model: String?, options: DriverOptions) throws(DriverOptionError) {
        try options.allowOnly(Self.known)
        if let api = try options.string("api") {
            guard let parsed = PolyControlAPI(rawValue: api.lowercased()) else {
                throw DriverOptionError(keyPath: "api", message: "expected rest or push")
            }
            self.api = parsed
        } else {
            self.api = PolyControlAPI.forModel(model)
        }
        self.line = try Self.line(options)
        let version = try options.string("callStatusVersion") ?? "v1"
        guard version == "v1" || version == "v2" else {
            throw DriverOptionError(keyPath: "callStatusVersion", message: "expected v1 or v2")
        }
        self.callStatusVersion = version
        if let priority = try options.string("pushPriority") {
            guard let parsed = PolyPushPriority.allCases.first(where: { $0.rawValue.lowercased() == priority.lowercased() })
            else {
                throw DriverOptionError(keyPath: "pushPriority", message: "expected Critical, High, Important or Normal")
            }
            self.pushPriority = parsed
        } else {
            self.pushPriority = .critical
        }
        self.pushAnswerKey = try options.keyURI("pushAnswerKey", vendor: "Poly", example: "Key:Softkey1 or Key:Headset")
        self.pushHangupKey = try options.keyURI("pushHangupKey", vendor: "Poly", example: "Key:Softkey1 or Key:Headset")
        self.dialHandleWait = try options.seconds("dialHandleWaitSeconds", default: 1, in: 0...10)
    }

    private static func line(_ options: DriverOptions) throws(DriverOptionError) -> Int {
        switch options.values["line"] {
        case nil:
            return 1
        case .number(let number) where number == number.rounded() && (1...48).contains(number):
            return Int(number)
        case .string(let text) where Int(text).map { (1...48).contains($0) } == true:
            return Int(text)!
        default:
            throw DriverOptionError(keyPath: "line", message: "expected a line number from 1 to 48")
        }
    }
}
