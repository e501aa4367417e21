import CallModel
import Foundation

/// How one Grandstream phone is driven, from its `model:` and `options:` in `drivers.yaml`.
///
/// Only dial, answer, hang up and hold are documented CTI operations; resume, transfer and DND are switched on
/// per phone because their requests are unconfirmed (reference §6.1, §11).
public struct GrandstreamOptions: Sendable, Equatable {
    /// How a held call is resumed.
    public enum Resume: Sendable, Equatable {
        /// Not offered (the default: no documented request).
        case off
        /// `api-phone_operation?cmd=<command>` (some clients use `unhold`).
        case phoneOperation(String)
        /// `api-send_key?keys=<key>`, e.g. the phone's `HOLD` key or a programmable key.
        case key(String)
    }

    /// The query parameter that carries the password: `passcode` (DOC) or `password` (CODE variant).
    public var passcodeParameter: String
    /// The account index for `api-make_call` (`account=`), or the phone's default when `nil`.
    public var account: Int?
    /// How a held call is resumed.
    public var resume: Resume
    /// `api-send_key` keys for a blind transfer, `{number}` standing for the digits; `nil` = no transfer.
    public var transferKeys: [String]?
    /// The key that toggles DND (e.g. an MPK set to DND on the phone); `nil` = no DND.
    public var dndKey: String?

    /// Reads and checks the options; unknown keys are errors.
    public init(model: String?, options: DriverOptions) throws(DriverOptionError) {
        try options.allowOnly(["passcodeParameter", "account", "resume", "transferKeys", "dndKey"])
        let parameter = try options.string("passcodeParameter") ?? "passcode"
        guard ["passcode", "password"].contains(parameter) else {
            throw DriverOptionError(keyPath: "passcodeParameter", message: "expected passcode or password")
        }
        passcodeParameter = parameter
        if let value = options.values["account"] {
            guard case .number(let number) = value, number >= 0, number <= 15, number == number.rounded() else {
                throw DriverOptionError(keyPath: "account", message: "expected an account index from 0 to 15")
            }
            account = Int(number)
        }
        resume = try Self.resume(options)
        transferKeys = try Self.transferKeys(options)
        if let key = try options.string("dndKey") {
            guard Self.isKeyName(key) else {
                throw DriverOptionError(keyPath: "dndKey", message: "expected a key name such as DND or MPK3")
            }
            dndKey = key
        }
    }

    /// What the phone can be asked to do with these options.
    public var capabilities: Set<PhoneCapability> {
        var capabilities: Set<PhoneCapability> = [.dial, .answer, .hangup, .hold]
        if resume != .off { capabilities.insert(.resume) }
        if transferKeys != nil { capabilities.insert(.transfer) }
        if dndKey != nil { capabilities.insert(.dnd) }
        return capabilities
    }

    /// Key names are upper-case letters, digits and `_` (`MPK1`, `OFFHOOK`, `STAR`).
    static func isKeyName(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 16
            && key.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// `resume: off`, `resume: "cmd:unhold"` or `resume: "key:HOLD"`.
    private static func resume(_ options: DriverOptions) throws(DriverOptionError) -> Resume {
        guard let raw = try options.string("resume"), raw != "off" else { return .off }
        let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "cmd", !parts[1].isEmpty,
            parts[1].unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" })
        {
            return .phoneOperation(parts[1])
        }
        if parts.count == 2, parts[0] == "key", isKeyName(parts[1]) {
            return .key(parts[1])
        }
        throw DriverOptionError(keyPath: "resume", message: "expected off, cmd:<operation> (e.g. cmd:unhold) or key:<KEY>")
    }

    private static func transferKeys(_ options: DriverOptions) throws(DriverOptionError) -> [String]? {
        guard let raw = try options.string("transferKeys"), raw != "off" else { return nil }
        let keys = raw.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard keys.filter({ $0 == "{number}" }).count == 1 else {
            throw DriverOptionError(keyPath: "transferKeys", message: "must contain {number} exactly once, or be off")
        }
        for key in keys where key != "{number}" && !isKeyName(key) {
            throw DriverOptionError(keyPath: "transferKeys", message: "\(key) is not a key name")
        }
        return keys
    }
}
