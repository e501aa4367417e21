import CallModel
import Foundation

/// The Snom remote-control requests (reference §5.1), as data: each command becomes one `GET` on the phone.
///
/// | command | request |
/// | --- | --- |
/// | dial | `/command.htm?number=<n>[&outgoing_uri=<account>]` (answers 302 to `index.htm`) |
/// | answer | `/command.htm?key=ENTER` (`answerKey`) |
/// | hangup | `/command.htm?key=CANCEL` (`hangupKey`), or `/command.htm?RELEASE_ALL_CALLS` |
/// | hold / resume | `/command.htm?key=F_HOLD` (`holdKey`, a toggle) |
/// | transfer | `/command.htm?key=TRANSFER;<digit>;…;ENTER` (`transferKeys`) |
/// | DND on / off | `/command.htm?key=DND` (a toggle) |
/// | probe | `/index.htm` |
enum SnomRequest: Sendable, Equatable {
    case dial(number: String, outgoingURI: String?)
    case keys([String])
    case releaseAllCalls
    case probe

    /// Path and query below the phone's base URL.
    var target: String {
        switch self {
        case .dial(let number, let outgoingURI):
            var target = "/command.htm?number=" + SnomRequest.encoded(number)
            if let outgoingURI { target += "&outgoing_uri=" + SnomRequest.encoded(outgoingURI) }
            return target
        case .keys(let keys):
            // Key events are chained with a literal `;` (KEYEVENT[;KEYEVENT]); each event is encoded on its own.
            return "/command.htm?key=" + keys.map(SnomRequest.encoded).joined(separator: ";")
        case .releaseAllCalls:
            return "/command.htm?RELEASE_ALL_CALLS"
        case .probe:
            return "/index.htm"
        }
    }

    /// The request for `command`, or why the phone cannot do it.
    static func forCommand(_ command: PhoneCommand, options: SnomOptions) throws(PhoneCommandError) -> SnomRequest {
        switch command {
        case .dial(let destination):
            return .dial(number: destination.value, outgoingURI: options.outgoingURI)
        case .answer:
            return .keys([options.answerKey])
        case .hangup:
            return options.hangupKey == "RELEASE_ALL_CALLS" ? .releaseAllCalls : .keys([options.hangupKey])
        case .hold, .resume:
            return .keys([options.holdKey])
        case .transfer(let destination, _):
            guard let sequence = options.transferKeys else {
                throw .notSupported("transfer is switched off for this Snom phone (options.transferKeys: off)")
            }
            return .keys(try transferKeys(sequence, to: destination))
        case .setDoNotDisturb:
            return .keys(["DND"])
        case .setForwarding:
            throw .notSupported("the Snom driver cannot set call forwarding")
        }
    }

    /// Expands `{number}` into one key event per digit; the keypad has no `+` and cannot type a SIP URI.
    private static func transferKeys(_ sequence: [String], to destination: DialString) throws(PhoneCommandError)
        -> [String]
    {
        guard destination.kind == .number, !destination.value.hasPrefix("+") else {
            throw .invalidState(
                "a Snom phone transfers by typing digits on its keypad; \(destination.value) cannot be typed "
                    + "(use the national or extension number)")
        }
        return sequence.flatMap { key in key == "{number}" ? destination.value.map { String($0) } : [key] }
    }

    /// Everything but RFC 3986 unreserved characters as `%XX` (`+` → `%2B`, `#` → `%23`, `*` → `%2A`).
    static func encoded(_ value: String) -> String {
        PercentEncoding.encode(value)
    }
}
