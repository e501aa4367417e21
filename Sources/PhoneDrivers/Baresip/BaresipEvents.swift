import CallModel

/// What one ctrl_tcp event type means for the call model: the vendor's event table.
///
/// baresip 1.0.0 sends `CALL_INCOMING`, `CALL_RINGING`, `CALL_PROGRESS`, `CALL_ESTABLISHED` and `CALL_CLOSED`;
/// `CALL_OUTGOING` and `CALL_REDIRECT` exist from 3.3, `CALL_HOLD`/`CALL_RESUME` from 3.9. 1.0.0 announces an
/// outgoing call only through `CALL_LOCAL_SDP` (param `offer`), so that event starts an outgoing call the driver
/// has not seen yet.
enum BaresipEventMeaning: Sendable, Equatable {
    /// An inbound call rings here.
    case incoming
    /// This phone placed a call.
    case outgoing
    /// The first signal of an outgoing call in versions without `CALL_OUTGOING` (the local SDP offer).
    case outgoingOffer
    /// The far end of an outgoing call rings (180) or sends early media (183).
    case remoteAlerting
    /// The call is connected.
    case established
    /// The call was put on hold here.
    case held
    /// The call was taken off hold here.
    case resumed
    /// The call ended; `param` says why.
    case closed
    /// The call was redirected (3xx) to `param`.
    case redirected
    /// Media, statistics, registration and other events that change no call state.
    case ignored

    /// baresip event type → meaning. Types not listed are ignored.
    static let table: [String: BaresipEventMeaning] = [
        "CALL_INCOMING": .incoming,
        "CALL_OUTGOING": .outgoing,
        "CALL_LOCAL_SDP": .outgoingOffer,
        "CALL_RINGING": .remoteAlerting,
        "CALL_PROGRESS": .remoteAlerting,
        "CALL_ESTABLISHED": .established,
        "CALL_HOLD": .held,
        "CALL_RESUME": .resumed,
        "CALL_CLOSED": .closed,
        "CALL_REDIRECT": .redirected,
    ]

    /// The meaning of an event type.
    static func of(_ type: String) -> BaresipEventMeaning {
        table[type] ?? .ignored
    }
}

/// Why a call ended, from baresip's `CALL_CLOSED` param (a SIP status line or a local reason).
enum BaresipClearCause {
    /// The `param` baresip sends when the local user (or the bridge) hung up.
    static let localHangup = "connection reset by user"
    /// The `param` baresip sends on the transferor's side once a blind transfer succeeded (sic).
    static let transferred = "call transfered"

    /// The normalised cause for a call that ended with `param`.
    ///
    /// Connected calls end normally. A call that never connected: `Rejected`, `Decline`, 603 → rejected (baresip
    /// answers a declined call with `486 Rejected`); 486/600 → busy; an inbound call hung up here → rejected,
    /// any other inbound one → missed; an outbound one with a SIP failure (4xx–6xx except 487, the answer to our
    /// own cancel) → failed; anything else → normal. `wasEstablished` is `nil` for a call the driver never saw
    /// start (it connected to ctrl_tcp mid-call): only the SIP status decides then.
    static func cause(param: String?, outgoing: Bool, wasEstablished: Bool?) -> ClearCause {
        if wasEstablished == true { return .normal }
        let text = (param ?? "").lowercased()
        let status = statusCode(text)
        if text.contains("rejected") || text.contains("decline") || status == 603 { return .rejected }
        if status == 486 || status == 600 { return .busy }
        guard outgoing else {
            guard wasEstablished != nil else { return .normal }
            return text == localHangup ? .rejected : .missed
        }
        if let status, (400...699).contains(status), status != 487 { return .failed }
        return .normal
    }

    /// The SIP status code at the start of `text` (`486 Busy Here` → 486).
    static func statusCode(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard digits.count == 3, let code = Int(digits) else { return nil }
        let rest = text.dropFirst(3)
        return rest.isEmpty || rest.first == " " ? code : nil
    }
}
