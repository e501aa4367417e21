import CallModel

/// A call state as Poly names it, in telephony notifications (`CallState`) and REST callStatus alike.
enum PolyCallState: Sendable, Equatable {
    /// Off-hook, no digits yet.
    case dialtone
    /// Digits sent, the network not yet reached.
    case setup
    /// The far end is ringing.
    case ringback
    /// An inbound call is ringing here.
    case offering
    /// Talking (also a conference).
    case connected
    /// This phone put the call on hold.
    case localHold
    /// The far end put the call on hold; still connected here.
    case remoteHold
    /// The call is gone.
    case free
    /// `Ncas`, shared-line states and anything newer firmware invents.
    case unknown

    /// Poly's names (lower-cased) → state; the `Call…` names are the legacy polling spellings.
    static let vendorNames: [String: PolyCallState] = [
        "dialtone": .dialtone,
        "setup": .setup,
        "ringback": .ringback,
        "offering": .offering,
        "connected": .connected,
        "callconference": .connected,
        "hold": .localHold,
        "callhold": .localHold,
        "callconfhold": .localHold,
        "held": .remoteHold,
        "callheld": .remoteHold,
        "callconfheld": .remoteHold,
        "free": .free,
        "disconnected": .free,
    ]

    /// Reads a vendor name; unknown names are `.unknown`, never an error (firmware adds states).
    init(vendorName: String) {
        self = Self.vendorNames[vendorName.polyTrimmed().lowercased()] ?? .unknown
    }

    /// The CSTA local connection state, or `nil` for a call that no longer exists or cannot be placed.
    var connectionState: ConnectionState? {
        switch self {
        case .dialtone, .setup: .initiated
        case .offering: .alerting
        case .ringback, .connected, .remoteHold: .connected
        case .localHold: .held
        case .free, .unknown: nil
        }
    }

    /// The direction a state implies when the phone does not say.
    var impliedDirection: CallDirection? {
        switch self {
        case .offering: .inbound
        case .dialtone, .setup, .ringback: .outbound
        default: nil
        }
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    func polyTrimmed() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
