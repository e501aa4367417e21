/// What the bridge must do after the desk handled an input: publish, store, drive phones.
public enum DeskEffect: Sendable, Equatable {
    /// Publish the agent object again (at most one per agent per input) and store the snapshot.
    case agentChanged(String)
    /// Publish the (retained) call object.
    case callChanged(AgentCall)
    /// The call ended: clear its retained topic. The object carries `endedAt` and `cause`.
    case callEnded(AgentCall)
    /// Publish a notification on the agent's events topic.
    case notify(agent: String, AgentNotification)
    /// Store a history entry.
    case historyAdded(HistoryEntry)
    /// Publish the queue object again.
    case queueChanged(String)
    /// Drive the agent's phones (those whose driver can) to match the agent's DND or forwarding.
    case drivePhones(agent: String, phones: [String], PhoneAction)
    /// The agent's favorites changed: store the snapshot.
    case favoritesChanged(agent: String)
}

/// A device setting the bridge applies on an agent's phones.
public enum PhoneAction: Sendable, Equatable {
    /// Do not disturb on or off.
    case dnd(Bool)
    /// Forward all calls to a validated number, or cancel forwarding with `nil`.
    case forward(String?)
}
