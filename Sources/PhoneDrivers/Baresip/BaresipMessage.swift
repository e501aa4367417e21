import Foundation

/// One JSON message from baresip's ctrl_tcp: an event (`"event":true`) or a command response (`"response":true`).
///
/// Every field is untrusted: `peeruri`, `peerdisplayname` and, for incoming calls, `id` (the caller's SIP
/// Call-ID) come from the far end.
struct BaresipMessage: Sendable, Equatable {
    /// What kind of message this is.
    enum Kind: Sendable, Equatable {
        case event
        case response(ok: Bool, data: String, token: String?)
    }

    var kind: Kind
    /// The event name (`CALL_INCOMING`, …); empty for responses.
    var type: String
    /// The event class (`call`, `register`, `other`, …).
    var eventClass: String?
    var accountAOR: String?
    /// `incoming` or `outgoing`.
    var direction: String?
    var peerURI: String?
    var peerDisplayName: String?
    /// baresip's call id (the SIP Call-ID of the dialog); both ends of a call see the same one.
    var callID: String?
    /// Event detail: the peer URI, a close reason such as `486 Busy Here`, a transfer target.
    var param: String?

    /// The longest string kept from any field; longer ones are cut (display names are caller-controlled).
    static let maximumFieldLength = 512

    /// Decodes one netstring payload; `nil` when it is not a baresip JSON message.
    init?(json payload: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)),
            let fields = object as? [String: Any]
        else { return nil }
        func string(_ key: String) -> String? {
            guard let value = fields[key] as? String else { return nil }
            return value.count > Self.maximumFieldLength ? String(value.prefix(Self.maximumFieldLength)) : value
        }
        // baresip sends `true`; its own documentation shows the string "true", so both are accepted.
        func flag(_ key: String) -> Bool {
            if let value = fields[key] as? Bool { return value }
            return (fields[key] as? String) == "true"
        }
        if flag("event") {
            guard let type = string("type"), !type.isEmpty else { return nil }
            kind = .event
            self.type = type
        } else if flag("response") {
            kind = .response(ok: flag("ok"), data: string("data") ?? "", token: string("token"))
            type = ""
        } else {
            return nil
        }
        eventClass = string("class")
        accountAOR = string("accountaor")
        direction = string("direction")
        peerURI = string("peeruri")
        peerDisplayName = string("peerdisplayname")
        callID = string("id")
        param = string("param")
    }

    /// Whether the call this event is about was placed by this phone.
    var isOutgoing: Bool { direction == "outgoing" }
}
