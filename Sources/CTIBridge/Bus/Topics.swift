/// The MQTT topic tree of the contract (section 2), under the configured prefix.
struct Topics: Sendable {
    let prefix: String

    var bridgeState: String { "\(prefix)/bridge/state" }
    var acdOffers: String { "\(prefix)/acd/offers" }
    var agentCommandFilter: String { "\(prefix)/agents/+/command" }

    func phone(_ id: String) -> String { "\(prefix)/phones/\(id)" }
    func agent(_ id: String) -> String { "\(prefix)/agents/\(id)" }
    func agentEvents(_ id: String) -> String { "\(prefix)/agents/\(id)/events" }
    func agentCommand(_ id: String) -> String { "\(prefix)/agents/\(id)/command" }
    func agentCommandResult(_ id: String) -> String { "\(prefix)/agents/\(id)/command/result" }
    func call(_ id: String) -> String { "\(prefix)/calls/\(id)" }
    func queue(_ id: String) -> String { "\(prefix)/queues/\(id)" }

    /// The agent id of a command topic (`P/agents/{id}/command`), if the topic is one.
    func agentID(fromCommandTopic topic: String) -> String? {
        let head = "\(prefix)/agents/"
        let tail = "/command"
        guard topic.hasPrefix(head), topic.hasSuffix(tail), topic.count > head.count + tail.count else { return nil }
        let id = topic.dropFirst(head.count).dropLast(tail.count)
        return id.contains("/") ? nil : String(id)
    }
}
