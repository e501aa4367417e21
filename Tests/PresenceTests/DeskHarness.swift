import CallModel
import Foundation
import Synchronization
import Testing

@testable import Presence

/// Deterministic call ids for tests: `call-1`, `call-2`, …
final class SequentialIDs: Sendable {
    private let counter = Mutex(0)

    func next() -> String {
        counter.withLock { value in
            value += 1
            return "call-\(value)"
        }
    }
}

/// A desk with a fixed site configuration and a test clock that only moves when told.
struct DeskHarness {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static let queues = [
        QueueDefinition(id: "sales", name: "Sales", wrapSeconds: 30, numbers: ["+442079460100"]),
        QueueDefinition(id: "support", name: "Support", wrapSeconds: 0, numbers: ["020 7946 0200"]),
        QueueDefinition(id: "billing", name: "Billing", wrapSeconds: 10, numbers: []),
    ]
    static let presences = [
        PresenceDefinition(id: "available", name: "Available", availability: .available),
        PresenceDefinition(id: "meeting", name: "In a meeting", availability: .unavailable),
    ]
    static let agents = [
        AgentDefinition(
            id: "alice", name: "Alice Smith", extensionNumber: "201", queues: ["sales", "support", "billing"],
            phones: ["alice-desk", "alice-soft"]),
        AgentDefinition(id: "bob", name: "Bob Jones", extensionNumber: "202", queues: ["sales"], phones: ["bob-desk"]),
        AgentDefinition(id: "carol", name: "Carol Díaz", extensionNumber: "203", queues: [], phones: ["carol-desk"]),
    ]
    static let configuration = DeskConfiguration(
        agents: agents, queues: queues, presences: presences, defaultCountry: "GB",
        maxRingSeconds: ["alice-desk": 120, "alice-soft": 120])
    static let contactsCSV = """
        name,numbers,company
        Bob Jones,+44 1632 960123,Acme
        Zoë Müller,"01632 960999; 07700 900123",Globex
        Two Oh Two,202,Impostors
        """

    var desk: AgentDesk
    var now: Date = DeskHarness.start
    let ids = SequentialIDs()

    init(configuration: DeskConfiguration = DeskHarness.configuration, contacts: String = DeskHarness.contactsCSV) {
        let ids = self.ids
        desk = AgentDesk(
            configuration: configuration, contacts: ContactFileParser.parse(contacts), now: DeskHarness.start,
            makeCallID: { ids.next() })
    }

    mutating func advance(_ seconds: TimeInterval) {
        now = now.addingTimeInterval(seconds)
    }

    @discardableResult
    mutating func event(_ phone: String, _ kind: PhoneEvent.Kind) -> [DeskEffect] {
        desk.handle(PhoneEvent(phoneID: phone, at: now, kind: kind), now: now)
    }

    @discardableResult
    mutating func ring(_ phone: String, _ vendor: String, from number: String?, dialled: String? = nil) -> [DeskEffect] {
        event(phone, .delivered(call: PhoneCallID(vendor), remote: CallParty(address: number), dialled: dialled))
    }

    @discardableResult
    mutating func answer(_ phone: String, _ vendor: String) -> [DeskEffect] {
        event(phone, .established(call: PhoneCallID(vendor), remote: nil))
    }

    @discardableResult
    mutating func clear(_ phone: String, _ vendor: String, _ cause: ClearCause = .normal) -> [DeskEffect] {
        event(phone, .connectionCleared(call: PhoneCallID(vendor), cause: cause))
    }

    @discardableResult
    mutating func dial(_ phone: String, _ vendor: String, to number: String) -> [DeskEffect] {
        event(phone, .serviceInitiated(call: PhoneCallID(vendor), remote: CallParty(address: number)))
    }

    @discardableResult
    mutating func command(_ command: AgentCommand, _ agent: String = "alice") throws -> [DeskEffect] {
        try desk.perform(command, agent: agent, now: now).get().effects
    }

    /// The error a command fails with; records an issue when it succeeds.
    mutating func failure(_ command: AgentCommand, _ agent: String = "alice") -> AgentCommandError? {
        switch desk.perform(command, agent: agent, now: now) {
        case .success:
            Issue.record("\(command) succeeded")
            return nil
        case .failure(let error):
            return error
        }
    }

    @discardableResult
    mutating func tick() -> [DeskEffect] { desk.tick(now: now) }

    func agent(_ id: String = "alice") -> AgentSnapshot { desk.agentObject(id)! }
    func acd(_ id: String = "alice") -> ACDStateKind { agent(id).acd.state }
    func queue(_ id: String) -> QueueSnapshot { desk.queueObject(id)! }
}

/// Reading effects.
extension Array where Element == DeskEffect {
    func notifications(for agent: String = "alice") -> [NotificationType] {
        compactMap { effect in
            if case .notify(let target, let notification) = effect, target == agent { return notification.type }
            return nil
        }
    }

    var endedCalls: [AgentCall] {
        compactMap { effect in
            if case .callEnded(let call) = effect { return call }
            return nil
        }
    }

    var changedCalls: [AgentCall] {
        compactMap { effect in
            if case .callChanged(let call) = effect { return call }
            return nil
        }
    }

    var history: [HistoryEntry] {
        compactMap { effect in
            if case .historyAdded(let entry) = effect { return entry }
            return nil
        }
    }

    var changedAgents: [String] {
        compactMap { effect in
            if case .agentChanged(let agent) = effect { return agent }
            return nil
        }
    }

    var changedQueues: [String] {
        compactMap { effect in
            if case .queueChanged(let queue) = effect { return queue }
            return nil
        }
    }
}

/// JSON as the bridge writes it (sorted keys, ISO dates), for checking field names and explicit nulls.
func contractJSON(_ value: some Encodable) throws -> [String: Any] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(value)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}
