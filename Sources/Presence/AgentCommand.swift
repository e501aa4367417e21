/// An agent command the desk handles itself (phone actions such as `dial` are the bridge's, with drivers).
public enum AgentCommand: Sendable, Equatable {
    case login
    case logout
    case ready
    case away
    case endWrap
    case extendWrap
    /// Take calls from a queue she is a member of, or not.
    case queue(String, enabled: Bool)
    /// Pick a configured presence and a status message (`nil` or empty clears it).
    case presence(String, message: String?)
    case mode(AgentMode)
    case dnd(on: Bool)
    /// Forward to a number, or cancel with `nil`.
    case forward(to: String?)
    /// Add or remove a favorite contact by contact id.
    case favorite(contact: String, on: Bool)
}

/// What a successful command did.
public struct CommandOutcome: Sendable, Equatable {
    /// What the bridge must do now; empty when the command changed nothing.
    public var effects: [DeskEffect]

    /// Creates an outcome.
    public init(effects: [DeskEffect]) {
        self.effects = effects
    }
}
