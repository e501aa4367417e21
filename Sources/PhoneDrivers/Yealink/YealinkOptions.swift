/// A Yealink phone's driver settings from `options:` in `drivers.yaml`, each UNCONFIRMED vendor detail a knob.
public struct YealinkOptions: Sendable, Equatable {
    /// How the driver proves who it is to the phone's web server.
    public enum Authentication: String, Sendable, Equatable, CaseIterable {
        /// HTTP Basic, the documented `user:password@phone` form (default).
        case basic
        /// HTTP Digest, for firmware that challenges with Digest (UNCONFIRMED that any does).
        case digest
        /// Whatever the phone offers (one extra round trip on the first request).
        case any

        /// The credentials for a phone entry in this scheme; none when the entry names no user.
        func credentials(user: String?, password: String?) -> HTTPAuthentication {
            guard let user, !user.isEmpty else { return .none }
            let password = password ?? ""
            switch self {
            case .basic: return .basic(user: user, password: password)
            case .digest: return .digest(user: user, password: password)
            case .any: return .any(user: user, password: password)
            }
        }
    }

    /// How a dial request is written.
    public enum DialForm: String, Sendable, Equatable, CaseIterable {
        /// `?key=number=<n>&outgoing_uri=<account>` (documented).
        case key
        /// `?number=<n>&outgoing_uri=<account>` without `key=` (seen in third-party code on legacy paths).
        case number
    }

    /// The Action URI paths Yealink firmware accepts.
    public static let knownPaths = ["/servlet", "/cgi-bin/ConfigManApp.com", "/cgi-bin/cgiServer.exx"]

    /// The HTTP authentication scheme.
    public var authentication: Authentication = .basic
    /// The Action URI path (`/servlet`, or a legacy path for old firmware).
    public var path: String = "/servlet"
    /// The account a dial goes out on (`outgoing_uri`, e.g. `1001@pbx.example.com`); the phone's default if nil.
    public var outgoingURI: String?
    /// How a dial is written.
    public var dialForm: DialForm = .key
    /// Whether do-not-disturb is offered (the `DNDOn`/`DNDOff` keys are seen in code, not in Yealink's tables).
    public var doNotDisturb: Bool = true
    /// The key that switches DND on.
    public var dndOnKey: String = "DNDOn"
    /// The key that switches DND off.
    public var dndOffKey: String = "DNDOff"
    /// Whether blind transfer by key sequence is offered (keypad models only).
    public var transfer: Bool = true
    /// The key sequence of a blind transfer; `{digits}` becomes one key per digit (`*` → `STAR`, `#` → `POUND`).
    public var transferKeys: String = "F_TRANSFER;{digits};F_TRANSFER"
    /// A phone variable to send as the dialled number on incoming calls (e.g. `$calledNumber`), if the firmware has one.
    public var dialledVariable: String?

    /// Every option key this driver reads.
    public static let knownKeys: Set<String> = [
        "auth", "path", "outgoingURI", "dialForm", "dnd", "dndOnKey", "dndOffKey", "transfer", "transferKeys",
        "dialledVariable",
    ]

    /// The defaults.
    public init() {}

    /// Reads and checks the options; unknown keys and bad values are errors naming the key.
    public init(_ options: DriverOptions) throws(DriverOptionError) {
        try options.allowOnly(Self.knownKeys)
        if let auth = try options.string("auth") {
            guard let value = Authentication(rawValue: auth) else {
                throw DriverOptionError(keyPath: "auth", message: "expected basic, digest or any")
            }
            authentication = value
        }
        if let path = try options.string("path") {
            guard Self.knownPaths.contains(path) else {
                throw DriverOptionError(
                    keyPath: "path", message: "expected one of \(Self.knownPaths.joined(separator: ", "))")
            }
            self.path = path
        }
        if let uri = try options.string("outgoingURI") {
            guard !uri.isEmpty, uri.count <= 128, uri.allSatisfy(Self.isAccountCharacter) else {
                throw DriverOptionError(keyPath: "outgoingURI", message: "expected an account such as 1001@pbx.example.com")
            }
            outgoingURI = uri
        }
        if let form = try options.string("dialForm") {
            guard let value = DialForm(rawValue: form) else {
                throw DriverOptionError(keyPath: "dialForm", message: "expected key or number")
            }
            dialForm = value
        }
        doNotDisturb = try options.bool("dnd", default: true)
        dndOnKey = try Self.keyName(options, "dndOnKey", default: dndOnKey)
        dndOffKey = try Self.keyName(options, "dndOffKey", default: dndOffKey)
        transfer = try options.bool("transfer", default: true)
        if let keys = try options.string("transferKeys") {
            let parts = keys.split(separator: ";", omittingEmptySubsequences: false)
            guard parts.filter({ $0 == "{digits}" }).count == 1,
                parts.allSatisfy({ $0 == "{digits}" || PercentEncoding.isPlainToken(String($0)) })
            else {
                throw DriverOptionError(
                    keyPath: "transferKeys", message: "expected key names joined by ';' with one {digits}")
            }
            transferKeys = keys
        }
        if let variable = try options.string("dialledVariable") {
            guard variable.hasPrefix("$"), variable.count <= 32,
                variable.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                throw DriverOptionError(keyPath: "dialledVariable", message: "expected a phone variable such as $calledNumber")
            }
            dialledVariable = variable
        }
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

    private static func isAccountCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "@.-_+*#:".contains(character))
    }
}
