import CallModel

/// The Fanvil Action URL event table and parser. Fanvil's event and variable lists are not public
/// (UNCONFIRMED); the driver chooses the URL shape `<eventBaseURL>/<event>?token=…&call_id=<var>&…` and the
/// phone variables are options, so only the right-hand sides depend on the firmware.
enum FanvilEvents {
    /// How one event is normalised once its call is known.
    enum Meaning: Sendable {
        /// Starts a call: a missing call id is synthesised.
        case callStart(inbound: Bool)
        /// About the current call.
        case call(@Sendable (PhoneCallID, CallParty) -> PhoneEvent.Kind)
        /// About the phone.
        case device(PhoneEvent.Kind)
    }

    /// Events in provisioning order, with the Fanvil web UI name the installer looks for.
    static let rules: [(name: String, webName: String, meaning: Meaning)] = [
        ("incoming_call", "Incoming Call", .callStart(inbound: true)),
        ("outgoing_call", "Outgoing Call", .callStart(inbound: false)),
        ("call_established", "Call Established", .call { .established(call: $0, remote: $1.address == nil ? nil : $1) }),
        ("hold", "Hold", .call { call, _ in .held(call: call) }),
        ("unhold", "Unhold", .call { call, _ in .retrieved(call: call) }),
        ("call_terminated", "Call Terminated", .call { call, _ in .connectionCleared(call: call, cause: .normal) }),
        ("missed_call", "Missed Call", .call { call, _ in .connectionCleared(call: call, cause: .missed) }),
        ("dnd_on", "DND On", .device(.doNotDisturb(on: true))),
        ("dnd_off", "DND Off", .device(.doNotDisturb(on: false))),
        ("setup_completed", "Setup Completed", .device(.rebooted)),
        // The phone has no call left: the backstop for a lost `call_terminated` (event name UNCONFIRMED, as
        // Yealink's; the web UI lists "Busy To Idle").
        ("busy_to_idle", "Busy To Idle", .device(.idle)),
    ]

    /// The events the provisioning XML has a confirmed tag for (CODE: wazo-fanvil `<cti>` block).
    static let xmlTags: [String: String] = ["dnd_on": "DNDOnUrl", "dnd_off": "DNDOffUrl"]

    private static let meanings: [String: Meaning] = Dictionary(uniqueKeysWithValues: rules.map { ($0.name, $0.meaning) })

    /// The query variables the phone is asked to send (after `?token=…&`).
    static func variables(for meaning: Meaning, options: FanvilOptions) -> String {
        switch meaning {
        case .device:
            return "mac=$mac"
        case .callStart, .call:
            var query = ""
            if let callID = options.callIDVariable { query += "call_id=\(callID)&" }
            return query + "remote=\(options.remoteVariable)&display_remote=\(options.displayRemoteVariable)"
                + "&line=\(options.lineVariable)"
        }
    }

    /// What a callback means, before the call is resolved.
    enum Parsed: Sendable {
        case event(name: String, meaning: Meaning, call: PhoneCallID?, line: String, remote: CallParty)
        case malformed(String)
        case unknown
    }

    static func parse(_ request: PhoneEventRequest) -> Parsed {
        guard let meaning = meanings[request.subpath] else { return .unknown }
        guard request.method == "GET" || request.method == "POST" else {
            return .malformed("unexpected method \(request.method)")
        }
        var call: PhoneCallID?
        if let raw = YealinkEvents.field(request, "call_id") {
            guard PercentEncoding.isPlainToken(raw, maximumLength: 64) else {
                return .malformed("\(request.subpath): call_id is not a phone call id")
            }
            call = PhoneCallID(raw)
        }
        let line = YealinkEvents.field(request, "line").flatMap {
            PercentEncoding.isPlainToken($0) ? $0 : nil
        } ?? "1"
        let remote = CallParty(
            address: YealinkEvents.field(request, "remote"), displayName: YealinkEvents.field(request, "display_remote"))
        return .event(name: request.subpath, meaning: meaning, call: call, line: line, remote: remote)
    }
}
