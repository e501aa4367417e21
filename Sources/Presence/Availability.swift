/// Whether a presence tells other users the agent can be reached.
public enum Availability: String, Sendable, Codable, CaseIterable {
    case available
    case unavailable
}
