import CallModel

/// The Grandstream action-URL events (reference §6.2 and §9.3), as data.
///
/// Grandstream callbacks carry no call identifier, so each row says what the event does to the phone's calls
/// and ``GrandstreamCallTracker`` finds or synthesises the call it is about.
enum GrandstreamEvents {
    /// What an event means for the phone's calls.
    enum Effect: Sendable, Equatable {
        case starts(CallDirection)
        case established
        case held
        case retrieved
        case terminated
        case missed
        case transferred
        case doNotDisturb(Bool)
        case rebooted
    }

    /// One Grandstream event.
    struct Row: Sendable, Equatable {
        /// The web UI's name for the event's URL field.
        var label: String
        /// The provisioning P-value, where one is confirmed (GRP26xx).
        var pValue: String?
        /// The callback subpath below `/phones/{id}/events`.
        var name: String
        var effect: Effect

        var isCallEvent: Bool {
            switch effect {
            case .doNotDisturb, .rebooted: false
            default: true
            }
        }
    }

    static let table: [Row] = [
        Row(label: "Setup Completed", pValue: "P8304", name: "setup", effect: .rebooted),
        Row(label: "Incoming Call", pValue: "P8310", name: "incoming", effect: .starts(.inbound)),
        Row(label: "Outgoing Call", pValue: nil, name: "outgoing", effect: .starts(.outbound)),
        Row(label: "Established Call", pValue: nil, name: "established", effect: .established),
        Row(label: "Terminated Call", pValue: nil, name: "terminated", effect: .terminated),
        Row(label: "Missed Call", pValue: nil, name: "missed", effect: .missed),
        Row(label: "Hold Call", pValue: nil, name: "hold", effect: .held),
        Row(label: "UnHold Call", pValue: nil, name: "unhold", effect: .retrieved),
        Row(label: "Blind Transfer", pValue: nil, name: "blind_transfer", effect: .transferred),
        Row(label: "Attended Transfer", pValue: nil, name: "attended_transfer", effect: .transferred),
        Row(label: "DND On", pValue: nil, name: "dnd_on", effect: .doNotDisturb(true)),
        Row(label: "DND Off", pValue: nil, name: "dnd_off", effect: .doNotDisturb(false)),
    ]

    /// Query items every call-event URL carries: our name → the Grandstream variable.
    static let callVariables: [(name: String, variable: String)] = [
        ("remote", "$remote"), ("display_remote", "$display_remote"), ("local", "$local"),
        ("active_user", "$active_user"),
    ]

    static func row(named name: String) -> Row? {
        table.first { $0.name == name }
    }

    /// One parsed callback.
    struct Callback: Sendable, Equatable {
        var row: Row
        var remote: String?
        var displayRemote: String?
        var local: String?
        var account: String?
    }

    static let maximumFieldLength = 256

    /// Parses a callback for `row`, or says why it is not a valid Grandstream callback.
    static func parse(_ request: PhoneEventRequest, row: Row) -> Result<Callback, GrandstreamCallbackError> {
        guard request.method == "GET" else { return .failure(.init("Grandstream action URLs are GET requests")) }
        for item in request.query
        where item.value.count > maximumFieldLength || item.value.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return .failure(.init("\(item.name) is too long or contains control characters"))
        }
        let callback = Callback(
            row: row, remote: substituted(request.queryValue("remote")),
            displayRemote: substituted(request.queryValue("display_remote")),
            local: substituted(request.queryValue("local")), account: substituted(request.queryValue("active_user")))
        if case .starts = row.effect, callback.remote == nil {
            return .failure(.init("\(row.name) needs remote=$remote"))
        }
        return .success(callback)
    }

    private static func substituted(_ value: String?) -> String? {
        guard let value, !value.isEmpty, !value.hasPrefix("$") else { return nil }
        return value
    }
}

/// Why a callback is not a valid Grandstream action-URL request.
struct GrandstreamCallbackError: Error, Sendable, Equatable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
