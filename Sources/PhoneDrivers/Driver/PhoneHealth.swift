import Foundation

/// The answer of one health probe of a phone.
public enum PhoneHealth: Sendable, Equatable {
    /// The phone answered as expected.
    case reachable
    /// The phone did not answer (connect failure, timeout, TLS failure).
    case unreachable(code: String, message: String)
    /// The phone answered but refused us (wrong credentials, remote control not allowed).
    case rejected(code: String, message: String)
}

/// What the bridge knows about a phone's reachability; published in `P/phones/{id}`.
public struct PhoneStatus: Sendable, Equatable {
    /// Whether the last contact with the phone succeeded.
    public var online: Bool
    /// When the phone last answered a request or sent an event.
    public var lastSeen: Date?
    /// Why the phone is not usable, if it is not.
    public var error: PhoneStatusError?

    public init(online: Bool, lastSeen: Date?, error: PhoneStatusError?) {
        self.online = online
        self.lastSeen = lastSeen
        self.error = error
    }
}

/// A machine-readable code and a message an installer can act on.
public struct PhoneStatusError: Sendable, Equatable, Codable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

extension PhoneHealth {
    /// The health a failed probe request shows: no answer is unreachable, any refusal is rejected.
    public init(probeFailure error: PhoneCommandError) {
        switch error {
        case .unreachable(let message):
            self = .unreachable(code: "unreachable", message: message)
        case .rejected(let message), .notSupported(let message), .noCall(let message), .invalidState(let message):
            self = .rejected(code: "rejected", message: message)
        }
    }
}
