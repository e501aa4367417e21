/// The contract's error codes (section 3), as published in a failed command result.
public enum AgentErrorCode: String, Sendable, Codable, CaseIterable {
    case badRequest
    case unknownAgent
    case invalidNumber
    case notSupported
    case invalidState
    case noCall
    case phoneUnreachable
    case phoneRejected
    case unauthorized
    /// The command's `expiresAt` passed before the bridge could act on it (it waited, e.g. while the bridge was
    /// disconnected from the broker); nothing was done.
    case expired
}

/// Why an agent command was refused: a contract error code and a message a person can act on.
public struct AgentCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The contract error code.
    public var code: AgentErrorCode
    /// What went wrong and what to do instead.
    public var message: String

    /// Creates an error.
    public init(_ code: AgentErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    static func invalidState(_ message: String) -> AgentCommandError { AgentCommandError(.invalidState, message) }
    static func badRequest(_ message: String) -> AgentCommandError { AgentCommandError(.badRequest, message) }
}
