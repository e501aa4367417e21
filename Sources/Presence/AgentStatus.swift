/// What other users see of an agent (`status` in the agent object and in internal contacts).
public enum AgentStatus: String, Sendable, Codable, CaseIterable {
    case available
    case unavailable
    case busy
    case wrap
    case dnd

    /// Derives the status; the first rule that applies wins.
    ///
    /// 1. `dnd` when do-not-disturb is on;
    /// 2. `wrap` when her ACD state is wrap;
    /// 3. `busy` when she is on a connected or held call on any device while her presence is available
    ///    ("busy on a call": an unavailable presence stays unavailable, because it says more);
    /// 4. otherwise the presence's availability: `available` or `unavailable`.
    public static func derive(dnd: Bool, acd: ACDStateKind, onCall: Bool, availability: Availability) -> AgentStatus {
        if dnd { return .dnd }
        if acd == .wrap { return .wrap }
        switch availability {
        case .available: return onCall ? .busy : .available
        case .unavailable: return .unavailable
        }
    }
}
