import CallModel

/// A command reduced to one Fanvil Active URI request.
enum FanvilAction: Sendable, Equatable {
    case dial(DialString)
    case answer
    case hangup
    case hold
    case resume
    case blindTransfer(DialString)
    /// A harmless read of the Active URI that proves reachability, trust and credentials.
    case probe
}

/// The Fanvil Active URI request table (`GET <path>?key=<KEY>[;<KEY>…]`, keys from the Planet-VIP/Fanvil manual).
///
/// | action | query (defaults; every key is an option) | source |
/// | --- | --- | --- |
/// | dial | `key=SPEAKER;<digits>;ENTER` (`#` → `POUND`) | DOC (OEM manual example `SPEAKER;8311;ENTER`) |
/// | answer | `key=OK` | DOC (OEM) |
/// | hangup | `key=RELEASE` | DOC (OEM, "return to standby") |
/// | hold / resume | `key=F_HOLD` / `key=F_HOLD` | DOC (OEM) / UNCONFIRMED toggle |
/// | blind transfer | `key=F_TRANSFER;<digits>;F_TRANSFER` | UNCONFIRMED |
/// | probe | `key=` with no key (the phone answers 200 and does nothing) | UNCONFIRMED |
///
/// Fanvil has no call id in requests: every key acts on the call in the foreground.
enum FanvilRequests {
    /// The query string for `action`.
    static func query(for action: FanvilAction, options: FanvilOptions) throws(PhoneCommandError) -> String {
        switch action {
        case .dial(let destination):
            return "key=" + options.dialKeys.replacing("{number}", with: try typed(destination, for: "dial"))
        case .answer:
            return "key=" + options.answerKey
        case .hangup:
            return "key=" + options.hangupKey
        case .hold:
            return "key=" + options.holdKey
        case .resume:
            return "key=" + options.resumeKey
        case .blindTransfer(let destination):
            return "key=" + options.transferKeys.replacing("{number}", with: try typed(destination, for: "transfer"))
        case .probe:
            return "key="
        }
    }

    /// The number as keypad keys: runs of digits and `*` stay one token (as in `SPEAKER;8311;ENTER`),
    /// `#` is the `POUND` key. `+` and SIP URIs cannot be typed.
    private static func typed(_ destination: DialString, for action: String) throws(PhoneCommandError) -> String {
        guard destination.kind == .number, !destination.value.hasPrefix("+") else {
            throw .notSupported(
                "a Fanvil \(action) is typed on the keypad, which cannot enter '+' or SIP URIs; use the PBX's "
                    + "dialling format (e.g. 00 instead of +)")
        }
        var tokens: [String] = []
        var run = ""
        for character in destination.value {
            if character == "#" {
                if !run.isEmpty { tokens.append(PercentEncoding.encode(run)) }
                run = ""
                tokens.append("POUND")
            } else {
                run.append(character)
            }
        }
        if !run.isEmpty { tokens.append(PercentEncoding.encode(run)) }
        return tokens.joined(separator: ";")
    }
}
