import CallModel

/// What one Yealink Action URL callback carried, after defensive clean-up (every field is untrusted).
struct YealinkCallbackFields: Sendable, Equatable {
    /// `$call_id`: the phone's own call number, the value `ASW:`/`CANCEL:`/`HOLD:`/`UNHOLD:` accept.
    var call: PhoneCallID?
    /// `$remote` + `$display_remote`: the other party.
    var remote: CallParty
    /// The dialled number, when `dialledVariable` is configured.
    var dialled: String?
}

/// How one Yealink event is turned into a normalised event.
struct YealinkEventRule: Sendable {
    /// Which variables the phone is asked to send, and which must be present.
    enum Scope: Sendable, Equatable {
        /// About one call: `$call_id` is required.
        case call
        /// About the phone (DND, start-up).
        case device
    }

    var scope: Scope
    /// Builds the event; `call` is guaranteed for `.call` rules.
    var build: @Sendable (YealinkCallbackFields, PhoneCallID) -> PhoneEvent.Kind
}

/// How a callback was judged.
enum YealinkCallbackVerdict: Sendable, Equatable {
    /// A known event with a normalised meaning.
    case event(PhoneEvent.Kind)
    /// A known Yealink event that changes nothing the bridge tracks (hook, mute, remote hold…).
    case ignored(String)
    /// Not a valid callback.
    case malformed(String)
    /// Not a Yealink event name.
    case unknown
}

/// The Yealink Action URL event table and the parser for callbacks built from it.
///
/// The phone sends `GET <eventBaseURL>/<event>?token=…&call_id=$call_id&remote=$remote&…` with the variables
/// substituted; the bridge strips the token, so the event name is the subpath.
enum YealinkEvents {
    /// Events with a normalised meaning, in provisioning order (CSTA names per the normalisation table).
    static let rules: [(name: String, rule: YealinkEventRule)] = [
        ("incoming_call", YealinkEventRule(scope: .call) { .delivered(call: $1, remote: $0.remote, dialled: $0.dialled) }),
        ("outgoing_call", YealinkEventRule(scope: .call) { .serviceInitiated(call: $1, remote: $0.remote) }),
        ("call_established", YealinkEventRule(scope: .call) { .established(call: $1, remote: $0.remote.address == nil ? nil : $0.remote) }),
        ("hold", YealinkEventRule(scope: .call) { .held(call: $1) }),
        ("unhold", YealinkEventRule(scope: .call) { .retrieved(call: $1) }),
        ("call_terminated", YealinkEventRule(scope: .call) { .connectionCleared(call: $1, cause: .normal) }),
        ("missed_call", YealinkEventRule(scope: .call) { .connectionCleared(call: $1, cause: .missed) }),
        // The caller sent CANCEL before anyone answered (UNCONFIRMED; Yealink does not define it further).
        ("call_remote_canceled", YealinkEventRule(scope: .call) { .connectionCleared(call: $1, cause: .missed) }),
        ("reject_incoming_call", YealinkEventRule(scope: .call) { .connectionCleared(call: $1, cause: .rejected) }),
        ("remote_busy", YealinkEventRule(scope: .call) { .connectionCleared(call: $1, cause: .busy) }),
        ("cancel_callout", YealinkEventRule(scope: .call) { .connectionCleared(call: $1, cause: .normal) }),
        // The target is filled in by the driver when the bridge itself asked for the transfer.
        ("transfer_finished", YealinkEventRule(scope: .call) { .transferred(call: $1, target: nil) }),
        ("forward_incoming_call", YealinkEventRule(scope: .call) { .diverted(call: $1, target: nil) }),
        ("dnd_on", YealinkEventRule(scope: .device) { _, _ in .doNotDisturb(on: true) }),
        ("dnd_off", YealinkEventRule(scope: .device) { _, _ in .doNotDisturb(on: false) }),
        ("setup_completed", YealinkEventRule(scope: .device) { _, _ in .rebooted }),
        // The phone has no call left: the backstop for a lost `call_terminated` (phones send each URL once).
        ("busy_to_idle", YealinkEventRule(scope: .device) { _, _ in .idle }),
    ]

    /// Yealink events that are accepted and acknowledged but change nothing the bridge tracks.
    ///
    /// `held`/`unheld` (the far end holds) have no CSTA event; the transfer start events are followed by
    /// `transfer_finished`, `transfer_failed` leaves the call where it was.
    static let ignoredEvents: Set<String> = [
        "held", "unheld", "transfer_call", "blind_transfer_call", "attended_transfer_call", "transfer_failed",
        "off_hook", "on_hook", "idle_to_busy", "answer_new_incoming_call", "registered",
        "unregistered", "register_failed", "mute", "unmute", "handfree", "headset", "ip_change",
        "setup_autop_finish", "call_waiting_on", "call_waiting_off", "always_fwd_on", "always_fwd_off",
        "busy_fwd_on", "busy_fwd_off", "no_answer_fwd_on", "no_answer_fwd_off", "peripheral_information", "vpn_ip",
    ]

    private static let rulesByName: [String: YealinkEventRule] = Dictionary(
        uniqueKeysWithValues: rules.map { ($0.name, $0.rule) })

    /// The query the phone is asked to send for an event of `scope` (after `?token=…&`).
    static func variables(for scope: YealinkEventRule.Scope, event: String, options: YealinkOptions) -> String {
        switch scope {
        case .call:
            var query = "call_id=$call_id&remote=$remote&display_remote=$display_remote&local=$local"
                + "&active_user=$active_user"
            if event == "incoming_call", let dialled = options.dialledVariable {
                query += "&dialled=" + dialled
            }
            return query
        case .device:
            return "mac=$mac&ip=$ip"
        }
    }

    /// The longest value kept from any variable; longer ones are cut (they are display data only).
    static let maximumFieldLength = 256

    /// Judges one callback.
    static func parse(_ request: PhoneEventRequest) -> YealinkCallbackVerdict {
        let name = request.subpath
        if ignoredEvents.contains(name) { return .ignored(name) }
        guard let rule = rulesByName[name] else { return .unknown }
        guard request.method == "GET" else { return .malformed("Yealink sends action URLs with GET, not \(request.method)") }
        let fields = YealinkCallbackFields(
            call: nil,
            remote: CallParty(address: field(request, "remote"), displayName: field(request, "display_remote")),
            dialled: field(request, "dialled"))
        switch rule.scope {
        case .device:
            return .event(rule.build(fields, PhoneCallID("")))
        case .call:
            guard let raw = request.queryValue("call_id"), !raw.isEmpty else {
                return .malformed("\(name) without call_id: set the action URL exactly as phone-config prints it")
            }
            if raw.hasPrefix("$") {
                return .malformed("\(name): the phone did not substitute $call_id (firmware without call ids?)")
            }
            guard PercentEncoding.isPlainToken(raw) else {
                return .malformed("\(name): call_id is not a Yealink call id")
            }
            let call = PhoneCallID(raw)
            var withCall = fields
            withCall.call = call
            return .event(rule.build(withCall, call))
        }
    }

    /// A variable's value, or nil when absent, empty or left unsubstituted (`$remote`); control characters
    /// are removed and the length capped, because callers choose their display names.
    static func field(_ request: PhoneEventRequest, _ name: String) -> String? {
        guard let raw = request.queryValue(name), !raw.hasPrefix("$") else { return nil }
        let cleaned = String(
            String.UnicodeScalarView(
                raw.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }
            ))
        let trimmed = cleaned.trimmingCharacters(in: " ")
        guard !trimmed.isEmpty else { return nil }
        return String(trimmed.prefix(maximumFieldLength))
    }
}

extension String {
    /// The string without leading and trailing `characters` (Foundation-free).
    fileprivate func trimmingCharacters(in characters: Character) -> String {
        var slice = Substring(self)
        while slice.first == characters { slice = slice.dropFirst() }
        while slice.last == characters { slice = slice.dropLast() }
        return String(slice)
    }
}
