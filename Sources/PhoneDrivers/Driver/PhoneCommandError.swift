/// Why a phone command failed, in the terms of the contract's error codes.
///
/// Messages are written for the person who has to fix it (an installer or an agent) and never carry
/// credentials or secret-bearing URLs.
public enum PhoneCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The phone's driver cannot do this (contract `notSupported`).
    case notSupported(String)
    /// The phone did not answer, or answered nothing usable in time (contract `phoneUnreachable`).
    case unreachable(String)
    /// The phone refused: credentials, remote control not allowed, trusted-IP list (contract `phoneRejected`).
    case rejected(String)
    /// There is no call the command could act on (contract `noCall`).
    case noCall(String)
    /// The phone is in a state where the command makes no sense (contract `invalidState`).
    case invalidState(String)

    /// The contract's error code for this failure.
    public var code: String {
        switch self {
        case .notSupported: "notSupported"
        case .unreachable: "phoneUnreachable"
        case .rejected: "phoneRejected"
        case .noCall: "noCall"
        case .invalidState: "invalidState"
        }
    }

    /// The human-readable message.
    public var message: String {
        switch self {
        case .notSupported(let message), .unreachable(let message), .rejected(let message),
            .noCall(let message), .invalidState(let message):
            message
        }
    }

    public var description: String { "\(code): \(message)" }
}
