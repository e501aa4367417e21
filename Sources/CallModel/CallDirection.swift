/// Which side started a call, seen from the agent's device.
public enum CallDirection: String, Sendable, Codable, CaseIterable {
    case inbound
    case outbound
}
