/// A Fanvil phone's driver settings from `options:` in `drivers.yaml`; nearly every Fanvil detail is UNCONFIRMED,
/// so each is a knob.
public struct FanvilOptions: Sendable, Equatable {
    /// The HTTP authentication scheme (`user:password@phone` in Fanvil's documentation means Basic).
    public var authentication: YealinkOptions.Authentication = .basic
    /// The Active URI path.
    public var path: String = "/cgi-bin/ConfigManApp.com"
    /// The keys of a dial; `{number}` becomes the digits (`#` → `POUND`), as in Fanvil's `SPEAKER;8311;ENTER`.
    public var dialKeys: String = "SPEAKER;{number};ENTER"
    /// The key that answers a ringing call.
    public var answerKey: String = "OK"
    /// The key that ends the current call ("RELEASE: return to standby").
    public var hangupKey: String = "RELEASE"
    /// The key that holds the current call.
    public var holdKey: String = "F_HOLD"
    /// The key that resumes the held call (Fanvil's hold key is assumed to toggle).
    public var resumeKey: String = "F_HOLD"
    /// Whether blind transfer by key sequence is offered.
    public var transfer: Bool = true
    /// The keys of a blind transfer; `{number}` becomes the digits.
    public var transferKeys: String = "F_TRANSFER;{number};F_TRANSFER"
    /// The phone variables substituted into the action URLs (assumed Yealink-like).
    public var callIDVariable: String? = "$call_id"
    public var remoteVariable: String = "$remote"
    public var displayRemoteVariable: String = "$display_remote"
    public var lineVariable: String = "$active_user"

    /// Every option key this driver reads.
    public static let knownKeys: Set<String> = [
        "auth", "path", "dialKeys", "answerKey", "hangupKey", "holdKey", "resumeKey", "transfer", "transferKeys",
        "callIdVariable", "remoteVariable", "displayRemoteVariable", "lineVariable",
    ]

    /// The defaults.
    public init() {}

    /// Reads and checks the options; unknown keys and bad values are errors naming the key.
    public init(_ options: DriverOptions) throws(DriverOptionError) {
        try options.allowOnly(Self.knownKeys)
        if let auth = try options.string("auth") {
            guard let value = YealinkOptions.Authentication(rawValue: auth) else {
                throw DriverOptionError(keyPath: "auth", message: "expected basic, digest or any")
            }
            authentication = value
        }
        if let path = try options.string("path") {
            guard path.hasPrefix("/"), path.count <= 64,
                path.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-".contains($0)) })
            else {
                throw DriverOptionError(keyPath: "path", message: "expected a path such as /cgi-bin/ConfigManApp.com")
            }
            self.path = path
        }
        dialKeys = try Self.sequence(options, "dialKeys", default: dialKeys)
        transferKeys = try Self.sequence(options, "transferKeys", default: transferKeys)
        answerKey = try Self.keyName(options, "answerKey", default: answerKey)
        hangupKey = try Self.keyName(options, "hangupKey", default: hangupKey)
        holdKey = try Self.keyName(options, "holdKey", default: holdKey)
        resumeKey = try Self.keyName(options, "resumeKey", default: resumeKey)
        transfer = try options.bool("transfer", default: true)
        if let variable = try options.string("callIdVariable") {
            callIDVariable = variable.isEmpty ? nil : try Self.variable(variable, key: "callIdVariable")
        }
        remoteVariable = try Self.variable(options.string("remoteVariable") ?? remoteVariable, key: "remoteVariable")
        displayRemoteVariable = try Self.variable(
            options.string("displayRemoteVariable") ?? displayRemoteVariable, key: "displayRemoteVariable")
        lineVariable = try Self.variable(options.string("lineVariable") ?? lineVariable, key: "lineVariable")
    }

    private static func keyName(_ options: DriverOptions, _ key: String, default fallback: String)
        throws(DriverOptionError) -> String
    {
        guard let value = try options.string(key) else { return fallback }
        guard PercentEncoding.isPlainToken(value) else {
            throw DriverOptionError(keyPath: key, message: "expected a key name of letters, digits and _")
        }
        return value
    }

    private static func sequence(_ options: DriverOptions, _ key: String, default fallback: String)
        throws(DriverOptionError) -> String
    {
        guard let value = try options.string(key) else { return fallback }
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.filter({ $0 == "{number}" }).count == 1,
            parts.allSatisfy({ $0 == "{number}" || PercentEncoding.isPlainToken(String($0)) })
        else {
            throw DriverOptionError(keyPath: key, message: "expected key names joined by ';' with one {number}")
        }
        return value
    }

    private static func variable(_ value: String, key: String) throws(DriverOptionError) -> String {
        guard value.hasPrefix("$"), value.count >= 2, value.count <= 32,
            value.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else {
            throw DriverOptionError(keyPath: key, message: "expected a phone variable such as $call_id")
        }
        return value
    }
}
