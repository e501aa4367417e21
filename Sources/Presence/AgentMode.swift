/// How an agent works: her calls ring on a deskphone the bridge controls, or on a softphone it does not.
public enum AgentMode: String, Sendable, Codable, CaseIterable {
    case deskphone
    case softphone
}
