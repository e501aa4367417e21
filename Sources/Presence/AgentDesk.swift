import CallModel
import Foundation

/// The whole agent world, pure: agents' ACD state, presence, DND/forwarding, calls, history and contacts.
///
/// The bridge feeds it phone events, agent commands, ACD offers and timer ticks, and performs the returned
/// `DeskEffect`s (publish, store, drive phones, wake up at `nextDeadline`). It does no I/O and reads no clock:
/// every input carries `now`, and new call ids come from the injected generator.
public struct AgentDesk: Sendable {
    /// Two alerting legs from the same number on one agent's phones this close together are one call.
    public static let ringMergeWindow: TimeInterval = 5
    /// An ACD offer is kept at most this long, whatever its `expiresAt` says.
    public static let maximumOfferLifetime: TimeInterval = 30
    /// Ended calls kept per agent.
    public static let historyLimit = 500

    /// The configuration the desk was built from.
    public let configuration: DeskConfiguration
    let normalizer: PhoneNumberNormalizer
    let agentOrder: [String]
    /// Each agent's position in `agentOrder`, to put the few agents an input touched in configuration order.
    let agentIndex: [String: Int]
    let definitions: [String: AgentDefinition]
    let queues: [String: QueueDefinition]
    let presences: [String: PresenceDefinition]
    let phoneOwner: [String: String]
    let queueByNumber: [String: String]
    let agentByNumber: [String: String]
    let makeCallID: @Sendable () -> String

    var states: AgentStates
    var book = CallBook()
    var directory = ContactDirectory()
    var offers: [ACDOffer] = []
    var phoneOnline: [String: Bool] = [:]

    /// Creates the desk with every agent logged out, in her first available presence.
    ///
    /// `makeCallID` gives ids for new calls; they name MQTT topics, so anything but letters, digits, `-`, `_`
    /// and `.` is removed from them.
    public init(
        configuration: DeskConfiguration, contacts: [ExternalContactEntry] = [], now: Date,
        makeCallID: @escaping @Sendable () -> String
    ) {
        var configuration = configuration
        if configuration.presences.isEmpty { configuration.presences = PresenceDefinition.defaults }
        self.configuration = configuration
        self.makeCallID = makeCallID
        let normalizer = PhoneNumberNormalizer(defaultCountry: configuration.defaultCountry)
        self.normalizer = normalizer
        var order: [String] = []
        var definitions: [String: AgentDefinition] = [:]
        var owner: [String: String] = [:]
        var byNumber: [String: String] = [:]
        for agent in configuration.agents where definitions[agent.id] == nil {
            order.append(agent.id)
            definitions[agent.id] = agent
            for phone in agent.phones where owner[phone] == nil { owner[phone] = agent.id }
            if let ext = agent.extensionNumber, let number = normalizer.normalize(ext), byNumber[number] == nil {
                byNumber[number] = agent.id
            }
        }
        agentOrder = order
        agentIndex = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        self.definitions = definitions
        phoneOwner = owner
        agentByNumber = byNumber
        var queues: [String: QueueDefinition] = [:]
        var queueByNumber: [String: String] = [:]
        for queue in configuration.queues where queues[queue.id] == nil {
            queues[queue.id] = queue
            for raw in queue.numbers {
                if let number = normalizer.normalize(raw), queueByNumber[number] == nil { queueByNumber[number] = queue.id }
            }
        }
        self.queues = queues
        self.queueByNumber = queueByNumber
        var presences: [String: PresenceDefinition] = [:]
        for presence in configuration.presences where presences[presence.id] == nil { presences[presence.id] = presence }
        self.presences = presences
        states = AgentStates(agents: order.map { definitions[$0]! }, queueIDs: Set(queues.keys))
        for id in order {
            states[id] = initialState(for: definitions[id]!, now: now)
        }
        directory = ContactDirectory(entries: contacts, normalizer: normalizer)
    }

    /// The state an agent starts in: logged out, every member queue enabled, first available presence.
    func initialState(for agent: AgentDefinition, now: Date) -> AgentState {
        AgentState(
            acd: ACDStateMachine(since: now),
            queues: Dictionary(agent.queues.map { ($0, true) }, uniquingKeysWith: { first, _ in first }),
            presence: defaultPresence.id, mode: agent.mode, updatedAt: now)
    }

    var defaultPresence: PresenceDefinition {
        configuration.presences.first { $0.availability == .available } ?? configuration.presences[0]
    }

    /// Replaces the external contacts (the contacts file was read again).
    public mutating func replaceExternalContacts(_ entries: [ExternalContactEntry]) {
        directory = ContactDirectory(entries: entries, normalizer: normalizer)
    }

    /// The agent that owns a phone, if any.
    public func agentID(owningPhone phone: String) -> String? { phoneOwner[phone] }

    /// The configured agent ids, in configuration order.
    public var agentIDs: [String] { agentOrder }

    /// The configured queue ids, in configuration order.
    public var queueIDs: [String] { configuration.queues.map(\.id) }

    /// Whether the agent is on a connected or held call on any of her devices.
    func isOnCall(_ agent: String) -> Bool {
        book.hasActiveCall(agent: agent)
    }

    /// The presence an agent has picked, falling back to the default when it is no longer configured.
    func presence(of state: AgentState) -> PresenceDefinition {
        presences[state.presence] ?? defaultPresence
    }

    func status(of agent: String) -> AgentStatus {
        guard let state = states[agent] else { return .unavailable }
        return AgentStatus.derive(
            dnd: state.dnd, acd: state.acd.state.kind, onCall: isOnCall(agent),
            availability: presence(of: state).availability)
    }
}
