/// One configured agent (`agents:` in `drivers.yaml`): who she is and which queues and phones are hers.
public struct AgentDefinition: Sendable, Equatable, Codable {
    /// The agent id, used in topics and commands.
    public var id: String
    /// The display name.
    public var name: String
    /// Her internal extension, if any; an internal contact number.
    public var extensionNumber: String?
    /// The queues she is a member of.
    public var queues: [String]
    /// Her devices; ACD calls ring on all of them.
    public var phones: [String]
    /// The configured mode; the `mode` command changes it at run time.
    public var mode: AgentMode

    /// Creates an agent.
    public init(
        id: String, name: String, extensionNumber: String? = nil, queues: [String] = [], phones: [String] = [],
        mode: AgentMode = .deskphone
    ) {
        self.id = id
        self.name = name
        self.extensionNumber = extensionNumber
        self.queues = queues
        self.phones = phones
        self.mode = mode
    }
}
