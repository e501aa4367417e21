import CallModel

/// One Snom action-URL callback, parsed but not yet interpreted.
struct SnomCallback: Sendable, Equatable {
    /// The row of ``SnomEvents/table`` the callback's subpath names.
    var event: String
    /// `$call-id`.
    var call: PhoneCallID?
    /// `$remote` and `$display_remote`.
    var remote: CallParty?
    /// `$local`: the identity the call is for (the number the caller dialled, for inbound calls).
    var local: String?
    /// `$cancel_reason`: the Reason header of a SIP CANCEL, if any.
    var cancelReason: String?
    /// `$nr_ongoing_calls`: how many calls the phone still has.
    var ongoingCalls: Int?
}

/// What the driver knew about a call before a callback about it arrived.
struct SnomCallMemory: Sendable, Equatable {
    var direction: CallDirection
    var state: ConnectionState
    var everConnected: Bool
}

/// The Snom action-URL events (reference §5.2 and §9.3), as data: setting, variables, and the normalised event.
enum SnomEvents {
    /// One Snom event: the setting an installer fills in, the callback subpath, and what it means.
    struct Row: Sendable {
        /// The Snom setting that holds the URL (`action_incoming_url`, `action_hold`, …).
        var setting: String
        /// The callback subpath below `/phones/{id}/events`.
        var name: String
        /// Whether the callback is about one call (and must carry `$call-id`).
        var isCallEvent: Bool
        /// Query items beyond ``SnomEvents/callVariables``: our name → the Snom runtime variable.
        var deviceVariables: [(name: String, variable: String)] = []
        /// Builds the normalised event; `nil` means the callback is valid but changes nothing.
        var build: @Sendable (SnomCallback, SnomCallMemory?) -> PhoneEvent.Kind?
    }

    /// Query items every call-event URL carries: our name → the Snom runtime variable.
    static let callVariables: [(name: String, variable: String)] = [
        ("call_id", "$call-id"), ("remote", "$remote"), ("display_remote", "$display_remote"), ("local", "$local"),
        ("cancel_reason", "$cancel_reason"),
    ]

    static let table: [Row] = [
        Row(setting: "action_setup_url", name: "setup", isCallEvent: false) { _, _ in .rebooted },
        Row(setting: "action_incoming_url", name: "incoming", isCallEvent: true) { callback, _ in
            .delivered(call: callback.call!, remote: callback.remote ?? CallParty(address: nil), dialled: dialled(callback))
        },
        Row(setting: "action_outgoing_url", name: "outgoing", isCallEvent: true) { callback, _ in
            .serviceInitiated(call: callback.call!, remote: callback.remote ?? CallParty(address: nil))
        },
        Row(setting: "action_connected_url", name: "connected", isCallEvent: true) { callback, _ in
            .established(call: callback.call!, remote: callback.remote)
        },
        Row(setting: "action_disconnected_url", name: "disconnected", isCallEvent: true) { callback, memory in
            .connectionCleared(call: callback.call!, cause: disconnectCause(callback, memory))
        },
        Row(setting: "action_missed_url", name: "missed", isCallEvent: true) { callback, _ in
            .connectionCleared(call: callback.call!, cause: .missed)
        },
        Row(setting: "action_hold", name: "hold", isCallEvent: true) { callback, _ in .held(call: callback.call!) },
        Row(setting: "action_unhold", name: "unhold", isCallEvent: true) { callback, _ in
            .retrieved(call: callback.call!)
        },
        Row(setting: "action_transfer", name: "transfer", isCallEvent: true) { callback, _ in
            .transferred(call: callback.call!, target: nil)
        },
        Row(setting: "action_blind_transfer", name: "blind_transfer", isCallEvent: true) { callback, _ in
            .transferred(call: callback.call!, target: nil)
        },
        Row(setting: "action_attended_transfer", name: "attended_transfer", isCallEvent: true) { callback, _ in
            .transferred(call: callback.call!, target: nil)
        },
        // On hook with no call left: the backstop for a lost `disconnected` callback (phones send each URL once).
        Row(
            setting: "action_onhook_url", name: "onhook", isCallEvent: false,
            deviceVariables: [("calls", "$nr_ongoing_calls")]
        ) { callback, _ in callback.ongoingCalls == 0 ? .idle : nil },
        Row(setting: "action_dnd_on_url", name: "dnd_on", isCallEvent: false) { _, _ in .doNotDisturb(on: true) },
        Row(setting: "action_dnd_off_url", name: "dnd_off", isCallEvent: false) { _, _ in .doNotDisturb(on: false) },
    ]

    /// The row for a callback subpath.
    static func row(named name: String) -> Row? {
        table.first { $0.name == name }
    }

    /// Longest accepted value of any callback field; phones send short identifiers and URIs.
    static let maximumFieldLength = 256

    /// Parses the query of a callback for `row`, or says why it is not a valid Snom callback.
    static func parse(_ request: PhoneEventRequest, row: Row) -> Result<SnomCallback, SnomCallbackError> {
        guard request.method == "GET" else { return .failure(.init("Snom action URLs are GET requests")) }
        for item in request.query
        where item.value.count > maximumFieldLength || item.value.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return .failure(.init("\(item.name) is too long or contains control characters"))
        }
        var callback = SnomCallback(event: row.name)
        if row.isCallEvent {
            guard let callID = substituted(request.queryValue("call_id")) else {
                return .failure(.init("\(row.name) needs call_id=$call-id"))
            }
            callback.call = PhoneCallID(callID)
        }
        let remote = substituted(request.queryValue("remote"))
        let display = substituted(request.queryValue("display_remote"))
        if remote != nil || display != nil { callback.remote = CallParty(address: remote, displayName: display) }
        callback.local = substituted(request.queryValue("local"))
        callback.cancelReason = substituted(request.queryValue("cancel_reason"))
        if let calls = substituted(request.queryValue("calls")) {
            guard let count = Int(calls), (0...99).contains(count) else {
                return .failure(.init("calls is not a call count"))
            }
            callback.ongoingCalls = count
        }
        return .success(callback)
    }

    /// A value the phone really filled in: empty values and variables it did not know (left as `$name`) count as absent.
    private static func substituted(_ value: String?) -> String? {
        guard let value, !value.isEmpty, !value.hasPrefix("$") else { return nil }
        return value
    }

    private static func dialled(_ callback: SnomCallback) -> String? {
        callback.local.flatMap { CallParty(address: $0).userPart }
    }

    /// A ringing inbound call that ends unanswered is missed; an outbound one that never connected is busy when
    /// the CANCEL's Reason says so, rejected when declined, else a normal cancel.
    private static func disconnectCause(_ callback: SnomCallback, _ memory: SnomCallMemory?) -> ClearCause {
        guard let memory, !memory.everConnected else { return .normal }
        if memory.direction == .inbound { return .missed }
        let reason = (callback.cancelReason ?? "").lowercased()
        if reason.contains("486") || reason.contains("busy") { return .busy }
        if reason.contains("603") || reason.contains("decline") || reason.contains("reject") { return .rejected }
        return .normal
    }
}

/// Why a callback is not a valid Snom action-URL request.
struct SnomCallbackError: Error, Sendable, Equatable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

extension SnomCallback {
    init(event: String) {
        self.init(event: event, call: nil, remote: nil, local: nil, cancelReason: nil)
    }
}
