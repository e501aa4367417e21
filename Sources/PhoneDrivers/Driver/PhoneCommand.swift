import CallModel

/// A request to make a phone do something, with every destination already validated.
public enum PhoneCommand: Sendable, Equatable {
    case dial(DialString)
    case answer(call: PhoneCallID?)
    case hangup(call: PhoneCallID?)
    case hold(call: PhoneCallID?)
    case resume(call: PhoneCallID?)
    case transfer(to: DialString, call: PhoneCallID?)
    case setDoNotDisturb(Bool)
    /// Unconditional call forwarding to a destination, or off when `nil`.
    case setForwarding(DialString?)

    /// The capability a driver must declare to accept this command.
    public var capability: PhoneCapability {
        switch self {
        case .dial: .dial
        case .answer: .answer
        case .hangup: .hangup
        case .hold: .hold
        case .resume: .resume
        case .transfer: .transfer
        case .setDoNotDisturb: .dnd
        case .setForwarding: .forward
        }
    }
}

/// What a phone command produced, when it succeeded.
public struct PhoneCommandOutcome: Sendable, Equatable {
    /// The call the command created or acted on, when the driver knows it.
    public var callID: PhoneCallID?

    public init(callID: PhoneCallID? = nil) {
        self.callID = callID
    }
}
