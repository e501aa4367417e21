import CallModel
import Foundation

/// A decoded REST response: its `Status` code (compared as text: firmware sends numbers and strings) and `data`.
struct PolyRESTResponse: Sendable {
    /// `2000` on success.
    var status: String
    /// The `data` member, as decoded JSON (object, array or absent).
    var data: PolyJSON?

    /// Decodes a response body; `nil` when it is not a Poly REST response at all.
    init?(body: [UInt8]) {
        guard !body.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(body), options: []) as? [String: Any]
        else { return nil }
        switch object["Status"] {
        case let text as String: status = text
        case let number as NSNumber: status = number.stringValue
        default: return nil
        }
        data = object["data"].flatMap(PolyJSON.init)
    }

    /// Whether the phone reports success.
    var isSuccess: Bool { status == "2000" }
}

/// A JSON value copied out of `JSONSerialization` into a `Sendable` shape.
indirect enum PolyJSON: Sendable {
    case text(String)
    case object([String: PolyJSON])
    case array([PolyJSON])

    init?(_ value: Any) {
        switch value {
        case let text as String: self = .text(text)
        case let number as NSNumber: self = .text(number.stringValue)
        case let dictionary as [String: Any]: self = .object(dictionary.compactMapValues(PolyJSON.init))
        case let array as [Any]: self = .array(array.compactMap(PolyJSON.init))
        default: return nil
        }
    }

    /// A string member of an object.
    subscript(_ key: String) -> String? {
        guard case .object(let members) = self, case .text(let text)? = members[key] else { return nil }
        return text
    }
}

/// What the REST `Status` codes mean for a command, as data (Poly REST API reference, status code table).
enum PolyRESTStatus {
    /// How a non-success status is reported.
    enum Meaning {
        case notSupported
        case rejected
        case noCall
        case invalidState
    }

    /// Status code → (meaning, message for the installer or agent).
    static let table: [String: (Meaning, String)] = [
        "4000": (.invalidState, "the phone refused the request's parameters (4000 invalid input)"),
        "4001": (.invalidState, "the phone is busy with another request (4001 device busy)"),
        "4002": (.invalidState, "the line is not registered (4002): check the phone's SIP registration"),
        "4003": (.invalidState, "the phone does not allow this in the call's current state (4003 operation not allowed)"),
        "4004": (.notSupported, "the phone's firmware does not support this operation (4004)"),
        "4005": (.rejected, "the line does not exist on the phone (4005): set options.line to a configured line"),
        "4006": (.invalidState, "the phone reports URLs not configured (4006)"),
        "4007": (.noCall, "the phone has no such call (4007 call does not exist)"),
        "4008": (.invalidState, "the phone could not export its configuration (4008)"),
        "4009": (.invalidState, "the request exceeded the phone's input size limit (4009)"),
        "4010": (.rejected,
            "the phone refuses the REST API while its factory admin password is in use (4010): change the admin "
                + "password on the phone and set it as this phone's password"),
        "5000": (.invalidState, "the phone failed to process the request (5000)"),
    ]

    /// The command error for a non-success status.
    static func error(for status: String, action: String) -> PhoneCommandError {
        guard let (meaning, message) = table[status] else {
            return .invalidState("the phone refused to \(action) with status \(status.prefix(16))")
        }
        let text = "cannot \(action): \(message)"
        switch meaning {
        case .notSupported: return .notSupported(text)
        case .rejected: return .rejected(text)
        case .noCall: return .noCall(text)
        case .invalidState: return .invalidState(text)
        }
    }
}

/// The calls a callStatus response lists (v1: `data` is one object, v2: an array; `LineId`/`LineID` both seen).
enum PolyCallStatus {
    /// The live calls; calls without a handle or already `Free` are left out.
    static func calls(in response: PolyRESTResponse) -> [PhoneCallSnapshot] {
        let entries: [PolyJSON]
        switch response.data {
        case .array(let items)?: entries = items
        case .object(let members)? where !members.isEmpty: entries = [.object(members)]
        default: entries = []
        }
        return entries.compactMap(snapshot)
    }

    private static func snapshot(_ entry: PolyJSON) -> PhoneCallSnapshot? {
        guard let handle = entry["CallHandle"], PolyCallReference.isValid(handle),
            let state = PolyCallState(vendorName: entry["CallState"] ?? "").connectionState
        else { return nil }
        let direction: CallDirection? =
            switch entry["Type"]?.lowercased() {
            case "incoming": .inbound
            case "outgoing": .outbound
            default: PolyCallState(vendorName: entry["CallState"] ?? "").impliedDirection
            }
        let remote = CallParty(address: entry["RemotePartyNumber"], displayName: entry["RemotePartyName"])
        return PhoneCallSnapshot(
            call: PhoneCallID(handle), state: state, direction: direction,
            remote: remote.address == nil && remote.displayName == nil ? nil : remote)
    }
}

/// Poly call handles (`0xb53e57c0`): kept verbatim, but bounded and printable since they come from the network.
enum PolyCallReference {
    static func isValid(_ reference: String) -> Bool {
        !reference.isEmpty && reference.utf8.count <= 64
            && reference.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }
    }
}
