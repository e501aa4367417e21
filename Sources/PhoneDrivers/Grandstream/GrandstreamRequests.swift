import CallModel
import Foundation

/// The Grandstream CTI requests (reference §6.1), as data: `GET /cgi-bin/<function>?passcode=…&…`.
///
/// | command | request |
/// | --- | --- |
/// | dial | `api-make_call?phonenumber=<n>[&account=<i>]` |
/// | answer | `api-phone_operation?cmd=acceptcall` |
/// | hangup | `api-phone_operation?cmd=endcall`; `rejectcall` for a ringing inbound call, `cancel` while dialling |
/// | hold | `api-phone_operation?cmd=holdcall` |
/// | resume | `api-phone_operation?cmd=<resume>` or `api-send_key?keys=<KEY>` (UNCONFIRMED, `options.resume`) |
/// | transfer | `api-send_key?keys=K1:K2:…` (UNCONFIRMED, `options.transferKeys`) |
/// | DND on / off | `api-send_key?keys=<dndKey>` (a toggle, UNCONFIRMED, `options.dndKey`) |
/// | probe, listCalls | `api-get_line_status` |
///
/// The passcode is appended by ``GrandstreamClient`` and never leaves it: ``target`` holds no secret.
enum GrandstreamRequest: Sendable, Equatable {
    case makeCall(number: String, account: Int?)
    case phoneOperation(String)
    case sendKeys([String])
    case lineStatus

    /// The CGI function name.
    var function: String {
        switch self {
        case .makeCall: "api-make_call"
        case .phoneOperation: "api-phone_operation"
        case .sendKeys: "api-send_key"
        case .lineStatus: "api-get_line_status"
        }
    }

    /// The parameters after the passcode, already encoded.
    var parameters: String {
        switch self {
        case .makeCall(let number, let account):
            "phonenumber=" + Self.encoded(number) + (account.map { "&account=\($0)" } ?? "")
        case .phoneOperation(let operation):
            "cmd=" + Self.encoded(operation)
        case .sendKeys(let keys):
            // Several keys are colon-separated in one request (CODE [gs-php]).
            "keys=" + keys.map(Self.encoded).joined(separator: ":")
        case .lineStatus:
            ""
        }
    }

    /// Keypad key names for dial-string characters (digits by value; `*` STAR is documented, `#` POUND is not).
    static func keypadKeys(_ number: DialString) throws(PhoneCommandError) -> [String] {
        guard number.kind == .number, !number.value.hasPrefix("+") else {
            throw .invalidState(
                "a Grandstream phone transfers by typing keys; \(number.value) cannot be typed "
                    + "(use the national or extension number)")
        }
        return number.value.map { character in
            switch character {
            case "*": "STAR"
            case "#": "POUND"
            default: String(character)
            }
        }
    }

    /// Everything but RFC 3986 unreserved characters as `%XX` (`+` → `%2B`, `#` → `%23`, `*` → `%2A`).
    static func encoded(_ value: String) -> String {
        PercentEncoding.encode(value)
    }
}
