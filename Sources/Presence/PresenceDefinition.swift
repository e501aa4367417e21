/// One of the pre-configured presences agents pick from (`presences:` in `drivers.yaml`).
public struct PresenceDefinition: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var availability: Availability

    /// Creates a presence.
    public init(id: String, name: String, availability: Availability) {
        self.id = id
        self.name = name
        self.availability = availability
    }

    /// Used when the configuration names no presences.
    public static let defaults: [PresenceDefinition] = [
        PresenceDefinition(id: "available", name: "Available", availability: .available),
        PresenceDefinition(id: "unavailable", name: "Unavailable", availability: .unavailable),
    ]
}
