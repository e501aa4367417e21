/// Everything configured that the agent desk needs: agents, queues, presences and number normalisation.
public struct DeskConfiguration: Sendable, Equatable {
    /// The agents, in configuration order.
    public var agents: [AgentDefinition]
    /// The queues, in configuration order.
    public var queues: [QueueDefinition]
    /// The presences agents pick from; the first available one is every agent's initial presence.
    public var presences: [PresenceDefinition]
    /// ISO 3166 alpha-2 country for national numbers (`GB`), if any.
    public var defaultCountry: String?
    /// Per phone id: an alerting call with no news for this long ends as missed (`maxRingSeconds`).
    public var maxRingSeconds: [String: Int]

    /// Creates a configuration.
    public init(
        agents: [AgentDefinition], queues: [QueueDefinition] = [], presences: [PresenceDefinition] = PresenceDefinition.defaults,
        defaultCountry: String? = nil, maxRingSeconds: [String: Int] = [:]
    ) {
        self.agents = agents
        self.queues = queues
        self.presences = presences.isEmpty ? PresenceDefinition.defaults : presences
        self.defaultCountry = defaultCountry
        self.maxRingSeconds = maxRingSeconds
    }
}
