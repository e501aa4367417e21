/// One configured ACD queue (`queues:` in `drivers.yaml`).
public struct QueueDefinition: Sendable, Equatable, Codable {
    /// The queue id, used in topics and commands.
    public var id: String
    /// The display name.
    public var name: String
    /// Wrap time after this queue's calls; 0 means no wrap.
    public var wrapSeconds: Int
    /// Numbers that make a call to them a call from this queue (as the caller dialled them).
    public var numbers: [String]

    /// Creates a queue.
    public init(id: String, name: String, wrapSeconds: Int = 0, numbers: [String] = []) {
        self.id = id
        self.name = name
        self.wrapSeconds = max(0, wrapSeconds)
        self.numbers = numbers
    }
}
