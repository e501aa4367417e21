import CallModel

/// A command reduced to exactly one Action URI request: the call it targets is already chosen.
enum YealinkAction: Sendable, Equatable {
    case dial(DialString)
    /// Answer the ringing call `call`, or whichever rings (`OK`) when `nil`.
    case answer(PhoneCallID?)
    /// End (or reject) `call`, or the current call (`CALLEND`) when `nil`.
    case hangup(PhoneCallID?)
    /// Hold `call`, or the current call (`F_HOLD`) when `nil`.
    case hold(PhoneCallID?)
    case resume(PhoneCallID)
    case blindTransfer(DialString)
    case doNotDisturb(Bool)
    /// Read the account summary: proves the phone is there, trusts us and accepts the credentials.
    case probe
}

/// The Yealink Action URI request table: each action's query string below the configured path.
///
/// | action | query (after `<path>?`) | source |
/// | --- | --- | --- |
/// | dial | `key=number=<n>[&outgoing_uri=<acct>]` (`dialForm: number`: `number=<n>[&outgoing_uri=…]`) | DOC / CODE |
/// | answer | `key=ASW:<call_id>`, untargeted `key=OK` | DOC |
/// | hangup | `key=CANCEL:<call_id>`, untargeted `key=CALLEND` | DOC |
/// | hold | `key=HOLD:<call_id>`, untargeted `key=F_HOLD` | DOC |
/// | resume | `key=UNHOLD:<call_id>` | DOC |
/// | blind transfer | `key=F_TRANSFER;<digit keys>;F_TRANSFER` (`transferKeys`) | UNCONFIRMED |
/// | DND on / off | `key=DNDOn` / `key=DNDOff` (`dndOnKey`/`dndOffKey`) | CODE |
/// | probe | `phonecfg=get&accounts=1&dnd=0&fw=0` | DOC |
///
/// `key=` is always the first parameter (the phone ignores it elsewhere) and nothing ends in `&`.
enum YealinkRequests {
    /// The query string for `action`, or why it cannot be expressed.
    static func query(for action: YealinkAction, options: YealinkOptions) throws(PhoneCommandError) -> String {
        switch action {
        case .dial(let destination):
            var query: String
            switch options.dialForm {
            case .key: query = "key=number=" + PercentEncoding.encode(dialTarget(destination))
            case .number: query = "number=" + PercentEncoding.encode(dialTarget(destination))
            }
            if let account = options.outgoingURI {
                query += "&outgoing_uri=" + PercentEncoding.encode(account)
            }
            return query
        case .answer(let call):
            return try keys(targeting: call, with: "ASW", otherwise: "OK")
        case .hangup(let call):
            return try keys(targeting: call, with: "CANCEL", otherwise: "CALLEND")
        case .hold(let call):
            return try keys(targeting: call, with: "HOLD", otherwise: "F_HOLD")
        case .resume(let call):
            return keys("UNHOLD:" + (try callToken(call)))
        case .blindTransfer(let destination):
            let digits = try digitKeys(destination)
            return keys(options.transferKeys.replacing("{digits}", with: digits.joined(separator: ";")))
        case .doNotDisturb(let on):
            return keys(on ? options.dndOnKey : options.dndOffKey)
        case .probe:
            return "phonecfg=get&accounts=1&dnd=0&fw=0"
        }
    }

    private static func keys(_ value: String) -> String {
        "key=" + value
    }

    private static func keys(targeting call: PhoneCallID?, with prefix: String, otherwise untargeted: String)
        throws(PhoneCommandError) -> String
    {
        guard let call else { return keys(untargeted) }
        return keys(prefix + ":" + (try callToken(call)))
    }

    /// What the phone dials: the number, or `user@host` of a SIP URI (the phone adds the scheme itself).
    private static func dialTarget(_ destination: DialString) -> String {
        switch destination.kind {
        case .number: destination.value
        case .sipURI: String(destination.value.dropFirst("sip:".count))
        }
    }

    /// A call id as it may appear inside `key=`; anything but the phone's plain ids is refused, never encoded,
    /// because the phone reads `;` and `&` in a key value as further keys or parameters.
    static func callToken(_ call: PhoneCallID) throws(PhoneCommandError) -> String {
        guard PercentEncoding.isPlainToken(call.rawValue) else {
            throw .noCall("'\(call.rawValue.prefix(40))' is not a call id a Yealink phone reports")
        }
        return call.rawValue
    }

    /// One keypad key per character of a number; the keypad has no `+` and cannot type SIP URIs.
    private static func digitKeys(_ destination: DialString) throws(PhoneCommandError) -> [String] {
        guard destination.kind == .number, !destination.value.hasPrefix("+") else {
            throw .notSupported(
                "a Yealink transfer is typed on the keypad, which cannot enter '+' or SIP URIs; transfer to a "
                    + "number in the PBX's dialling format instead")
        }
        return destination.value.map { character in
            switch character {
            case "*": "STAR"
            case "#": "POUND"
            default: String(character)
            }
        }
    }
}
