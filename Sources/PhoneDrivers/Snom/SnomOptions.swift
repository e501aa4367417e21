import Foundation
import CallModel

/// How one Snom phone is driven, from its `model:` and `options:` in `drivers.yaml`.
public struct SnomOptions: Sendable, Equatable {
    /// The web server's authentication scheme, as the phone's `http_scheme` setting selects it.
    public enum AuthScheme: String, Sendable, Equatable, CaseIterable {
        /// `http_scheme` off (the phone's default): Basic.
        case basic
        /// `http_scheme` on: Digest.
        case digest
    }

    /// How DND is switched: the phone only has a toggle key.
    public enum DNDMethod: String, Sendable, Equatable, CaseIterable {
        /// Press `DND` when the driver's known state differs (learned from `action_dnd_on_url`/`off` callbacks).
        case toggleKey
        /// No DND from the bridge.
        case off
    }

    /// Basic or Digest; must match the phone's `http_scheme`.
    public var authScheme: AuthScheme
    /// The account URI to dial from (`outgoing_uri=`), or the phone's default identity when `nil`.
    public var outgoingURI: String?
    /// The key that picks up a ringing call.
    public var answerKey: String
    /// The key (or `RELEASE_ALL_CALLS`) that ends the current call.
    public var hangupKey: String
    /// The hold toggle: `F_HOLD`, or `F_R` on old firmware.
    public var holdKey: String
    /// The blind-transfer key events; `{number}` stands for the target's digits, one key event each.
    public var transferKeys: [String]?
    /// How DND is switched.
    public var dnd: DNDMethod
    /// Whether the phone has `command.htm` remote control at all (the D8xx family may not).
    public var remoteControl: Bool

    /// Model families whose firmware has no `command.htm` remote control (DOC [S1b]: "not supported for D8XX").
    static func modelLacksRemoteControl(_ model: String?) -> Bool {
        guard let model = model?.uppercased() else { return false }
        return model.hasPrefix("D8") || model.hasPrefix("SNOM D8")
    }

    /// The default transfer sequence (reference §5.1: TRANSFER, digits, ENTER — UNCONFIRMED).
    public static let defaultTransferKeys = ["TRANSFER", "{number}", "ENTER"]

    /// Key names an installer may use in key options: the documented Snom key events.
    static let knownKeys: Set<String> = {
        var keys: Set<String> = [
            "CANCEL", "ENTER", "OFFHOOK", "ONHOOK", "RIGHT", "LEFT", "UP", "DOWN", "MENU", "MUTE", "REDIAL", "DND",
            "REC", "SPEAKER", "HEADSET", "TRANSFER", "F_HOLD", "F_R", "DISCONNECT", "F_TRANSFER", "CONFERENCE",
            "F1", "F2", "F3", "F4",
        ]
        for index in 1...48 { keys.insert("P\(index)") }
        for index in 0...9 { keys.insert(String(index)) }
        return keys
    }()

    /// Reads and checks the options for a phone of `model`; unknown keys are errors.
    public init(model: String?, options: DriverOptions) throws(DriverOptionError) {
        try options.allowOnly([
            "authScheme", "outgoingURI", "answerKey", "hangupKey", "holdKey", "transferKeys", "dnd", "remoteControl",
        ])
        authScheme = try Self.choice(options, "authScheme", default: .basic)
        outgoingURI = try options.string("outgoingURI")
        if let outgoingURI {
            do {
                _ = try DialString(validating: outgoingURI)
            } catch {
                throw DriverOptionError(keyPath: "outgoingURI", message: "not a valid account URI: \(error)")
            }
        }
        answerKey = try Self.key(options, "answerKey", default: "ENTER", allowed: ["ENTER", "OFFHOOK", "SPEAKER", "HEADSET"])
        hangupKey = try Self.key(
            options, "hangupKey", default: "CANCEL", allowed: ["CANCEL", "ONHOOK", "DISCONNECT", "RELEASE_ALL_CALLS"])
        holdKey = try Self.key(options, "holdKey", default: "F_HOLD", allowed: ["F_HOLD", "F_R"])
        dnd = try Self.choice(options, "dnd", default: .toggleKey)
        remoteControl = try options.bool("remoteControl", default: !Self.modelLacksRemoteControl(model))
        transferKeys = try Self.transferSequence(options)
    }

    /// What the phone can be asked to do with these options.
    public var capabilities: Set<PhoneCapability> {
        guard remoteControl else { return [] }
        var capabilities: Set<PhoneCapability> = [.dial, .answer, .hangup, .hold, .resume]
        if transferKeys != nil { capabilities.insert(.transfer) }
        if dnd == .toggleKey { capabilities.insert(.dnd) }
        return capabilities
    }

    private static func choice<Choice: RawRepresentable & CaseIterable>(
        _ options: DriverOptions, _ key: String, default fallback: Choice
    ) throws(DriverOptionError) -> Choice where Choice.RawValue == String {
        guard let raw = try options.string(key) else { return fallback }
        guard let value = Choice(rawValue: raw) else {
            let known = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw DriverOptionError(keyPath: key, message: "expected one of: \(known)")
        }
        return value
    }

    private static func key(
        _ options: DriverOptions, _ key: String, default fallback: String, allowed: [String]
    ) throws(DriverOptionError) -> String {
        guard let raw = try options.string(key) else { return fallback }
        guard allowed.contains(raw) else {
            throw DriverOptionError(keyPath: key, message: "expected one of: \(allowed.joined(separator: ", "))")
        }
        return raw
    }

    /// `transferKeys: "off"` disables transfer; otherwise a comma-separated list of key names and `{number}`.
    private static func transferSequence(_ options: DriverOptions) throws(DriverOptionError) -> [String]? {
        guard let raw = try options.string("transferKeys") else { return defaultTransferKeys }
        if raw == "off" { return nil }
        let keys = raw.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard keys.filter({ $0 == "{number}" }).count == 1 else {
            throw DriverOptionError(keyPath: "transferKeys", message: "must contain {number} exactly once, or be off")
        }
        for key in keys where key != "{number}" && !knownKeys.contains(key) {
            throw DriverOptionError(keyPath: "transferKeys", message: "unknown Snom key \(key)")
        }
        return keys
    }
}
