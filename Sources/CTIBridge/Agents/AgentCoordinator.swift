import CallModel
import Foundation
import Logging
import MQTTClient
import PhoneDrivers
import Presence

/// Owns the agent desk: feeds it phone events, phone status, commands, ACD offers and time; writes what
/// changed to the store; then publishes it. One actor, so the desk sees one input at a time, in order.
actor AgentCoordinator {
    private var desk: AgentDesk
    private let store: StateStore
    private let bus: Bus
    private let phones: [String: PhoneSession]
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let recorder: CorrectionRecorder
    /// Vendor call ids each phone has reported, so a call the bridge saw end is never re-created from a list.
    private var seenCalls: [String: Set<PhoneCallID>] = [:]
    /// Calls ended since start, until the stale call topics are cleared: theirs are already empty.
    private var endedBeforeStaleTopicsCleared: Set<String>? = []
    /// The last setting sent to each phone: settings reach a phone in the order the agent made them.
    private var settingTails: [String: Task<Void, Never>] = [:]
    private var phoneOnline: [String: Bool] = [:]
    /// How long a phone's "idle" waits for the call's own clearing callback.
    private let idleGrace: Duration

    /// When the desk needs `tick()`. Asked by the timer a few times a second rather than worked out after every
    /// input: it looks at every ringing call, which thousands of events a second need not pay for.
    var nextDeadline: Date? { desk.nextDeadline }

    init(
        configuration: BridgeConfiguration, contacts: [ExternalContactEntry], store: StateStore, bus: Bus,
        phones: [String: PhoneSession], logger: Logger, idleGrace: Duration = .seconds(2),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.idleGrace = idleGrace
        self.desk = AgentDesk(
            configuration: DeskConfiguration(bridge: configuration), contacts: contacts, now: now(),
            makeCallID: { RandomCallID.make() })
        self.store = store
        self.bus = bus
        self.phones = phones
        self.logger = logger
        self.now = now
        self.recorder = CorrectionRecorder(logger: logger)
    }

    /// Restores the stored state and publishes it: the first thing consumers see after a restart is the
    /// restored state, never a default that is corrected later.
    func restoreAndPublish() throws {
        if let snapshot = try store.loadSnapshot(historyLimit: AgentDesk.historyLimit) {
            desk.restore(snapshot, now: now())
            logger.info("restored agent state", metadata: ["agents": "\(snapshot.agents.count)", "calls": "\(snapshot.calls.count)"])
        }
        let effects = desk.tick(now: now())
        var changes = StateStore.Changes()
        for id in desk.agentIDs {
            if let state = desk.agentState(id) { changes.agents[id] = state }
        }
        try store.write(changes)
        for agent in desk.agentObjects { bus.publishState(agent, on: bus.topics.agent(agent.id)) }
        for queue in desk.queueObjects { bus.publishState(queue, on: bus.topics.queue(queue.id)) }
        for call in desk.liveCalls { bus.publishState(call, on: bus.topics.call(call.id)) }
        apply(effects)
    }

    // MARK: Inputs

    func handle(_ event: PhoneEvent) {
        handle([event])
    }

    /// Applies events in order, stores what they changed in one transaction, then publishes it all.
    func handle(_ events: [PhoneEvent]) {
        var outcome = Outcome()
        for event in events {
            if let call = event.callID { remember(call, on: event.phoneID) }
            let effects = desk.handle(event, now: now())
            switch event.kind {
            case .rebooted: record(.rebooted, endedIn: effects, phone: event.phoneID)
            case .idle: confirmIdleLater(event.phoneID, reportedAt: event.at)
            default: break
            }
            collect(effects, into: &outcome)
        }
        commit(outcome)
    }

    /// Phones send their callbacks as separate requests, so a call's own `terminated` may arrive just after the
    /// phone's "idle": it gets `idleGrace` to do so (and to carry the real cause) before the bridge ends the call.
    private func confirmIdleLater(_ phone: String, reportedAt: Date) {
        Task { [idleGrace] in
            try? await Task.sleep(for: idleGrace)
            await self.phoneWasIdle(phone, reportedAt: reportedAt)
        }
    }

    /// Ends the calls `phone` still had when it said it was idle; calls with news since are left alone.
    private func phoneWasIdle(_ phone: String, reportedAt: Date) {
        let effects = desk.reconcile(phone: phone, liveCalls: [], listedAt: reportedAt, now: now())
        record(.idle, endedIn: effects, phone: phone)
        apply(effects)
    }

    /// Returns whether the phone came back after being offline (reports repeat while nothing changes).
    @discardableResult
    func phoneStatusChanged(_ phone: String, online: Bool) -> Bool {
        let cameBack = online && phoneOnline[phone] == false
        phoneOnline[phone] = online
        let effects = desk.phoneStatusChanged(phone, online: online, now: now())
        if !online { record(.offline, endedIn: effects, phone: phone) }
        // Calls ended because the phone looked gone may have lived on: its list is believed again.
        if cameBack { seenCalls[phone] = nil }
        apply(effects)
        return cameBack
    }

    func perform(_ command: AgentCommand, agent: String) -> Result<Void, AgentCommandError> {
        switch desk.perform(command, agent: agent, now: now()) {
        case .success(let outcome):
            apply(outcome.effects)
            return .success(())
        case .failure(let error):
            return .failure(error)
        }
    }

    func offer(_ offer: ACDOffer) -> Result<Void, AgentCommandError> {
        desk.offer(offer, now: now()).map { apply($0) }
    }

    func tick() {
        let effects = desk.tick(now: now())
        // The only calls time ends are ringing ones past their phone's limit.
        record(.ringTimeout, endedIn: effects, phone: nil)
        apply(effects)
    }

    /// Corrects the desk with the calls `phone` listed at `listedAt`: calls it no longer has end (as failed),
    /// calls it has that the bridge never heard of are created as if their events had arrived.
    func reconcile(phone: String, calls: [PhoneCallSnapshot], listedAt: Date) -> ReconcileOutcome {
        var outcome = ReconcileOutcome()
        let effects = desk.reconcile(phone: phone, liveCalls: Set(calls.map(\.call)), listedAt: listedAt, now: now())
        outcome.ended = record(.gone, endedIn: effects, phone: phone)
        apply(effects)
        for snapshot in calls where desk.callID(phone: phone, vendorCall: snapshot.call) == nil {
            guard seenCalls[phone]?.contains(snapshot.call) != true else { continue }
            remember(snapshot.call, on: phone)
            for kind in snapshot.discoveryEvents {
                apply(desk.handle(PhoneEvent(phoneID: phone, at: now(), kind: kind), now: now()))
            }
            if let id = desk.callID(phone: phone, vendorCall: snapshot.call) {
                outcome.created.append(id)
                recorder.record(.discovered, driver: driverName(phone), phone: phone, call: id)
            }
        }
        return outcome
    }

    /// Counts and logs the calls `effects` end; returns their ids.
    @discardableResult
    private func record(_ reason: CorrectionReason, endedIn effects: [DeskEffect], phone: String?) -> [String] {
        var ended: [String] = []
        for effect in effects {
            guard case .callEnded(let call) = effect else { continue }
            ended.append(call.id)
            let phoneID = phone ?? call.phone
            recorder.record(reason, driver: driverName(phoneID), phone: phoneID, call: call.id)
        }
        return ended
    }

    /// Clears the retained call topics (found on the broker at start) of calls the desk does not hold.
    func clearStaleCallTopics(_ callIDs: Set<String>) {
        let live = Set(desk.liveCalls.map(\.id))
        let alreadyCleared = endedBeforeStaleTopicsCleared ?? []
        endedBeforeStaleTopicsCleared = nil
        for id in callIDs.subtracting(live).subtracting(alreadyCleared).sorted() {
            bus.clearState(on: bus.topics.call(id))
            recorder.record(.staleRetained, driver: "none", phone: nil, call: id)
        }
    }

    private func driverName(_ phone: String?) -> String {
        phone.flatMap { phones[$0]?.driverName } ?? "unknown"
    }

    private func remember(_ call: PhoneCallID, on phone: String) {
        // Bounded: a phone's ids are forgotten in bulk long after its calls ended.
        if seenCalls[phone, default: []].count >= 10_000 { seenCalls[phone] = [] }
        seenCalls[phone, default: []].insert(call)
    }

    // MARK: Queries

    func agentObject(_ id: String) -> AgentSnapshot? { desk.agentObject(id) }
    var agentObjects: [AgentSnapshot] { desk.agentObjects }
    var queueObjects: [QueueSnapshot] { desk.queueObjects }
    var liveCalls: [AgentCall] { desk.liveCalls }
    /// The phones on which the desk believes a call is live.
    var phonesWithLiveCalls: Set<String> {
        Set(desk.liveCalls.flatMap { call in desk.liveCall(call.id)?.legs.map(\.phone) ?? [call.phone] })
    }
    func liveCall(_ id: String) -> LiveCall? { desk.liveCall(id) }
    func callID(phone: String, vendorCall: PhoneCallID) -> String? { desk.callID(phone: phone, vendorCall: vendorCall) }
    func searchContacts(_ query: String) -> [Contact] { desk.searchContacts(query) }
    func favorites(agent: String) -> [Contact]? { desk.favorites(agent: agent) }
    func history(agent: String, missedOnly: Bool, limit: Int) throws -> [HistoryEntry] {
        try store.history(agent: agent, missedOnly: missedOnly, limit: limit)
    }

    // MARK: Effects

    /// What inputs changed: the rows to store, then the messages to publish and the phone settings to send, in
    /// the order the inputs asked for them.
    private struct Outcome {
        var changes = StateStore.Changes()
        var actions: [Action] = []
    }

    private enum Action {
        case publish(MQTTMessage)
        case drive(sessions: [PhoneSession], PhoneAction, agent: String)
    }

    private func apply(_ effects: [DeskEffect]) {
        var outcome = Outcome()
        collect(effects, into: &outcome)
        commit(outcome)
    }

    /// Adds what one input's effects ask for. Objects are read from the desk now, as this input left them: a
    /// later input of the same batch may change them again, and each input publishes its own version.
    private func collect(_ effects: [DeskEffect], into outcome: inout Outcome) {
        var publishedAgents: Set<String> = []
        for effect in effects {
            switch effect {
            case .agentChanged(let id):
                if let state = desk.agentState(id) { outcome.changes.agents[id] = state }
                // One message per change, not per field: an agent is published once per input.
                if publishedAgents.insert(id).inserted, let agent = desk.agentObject(id) {
                    outcome.actions.append(.publish(bus.stateMessage(agent, on: bus.topics.agent(id))))
                }
            case .favoritesChanged(let id):
                if let state = desk.agentState(id) { outcome.changes.agents[id] = state }
            case .callChanged(let call):
                if let live = desk.liveCall(call.id) { outcome.changes.upsert(live) }
                outcome.actions.append(.publish(bus.stateMessage(call, on: bus.topics.call(call.id))))
            case .callEnded(let call):
                outcome.changes.end(call.id)
                endedBeforeStaleTopicsCleared?.insert(call.id)
                outcome.actions.append(.publish(bus.clearMessage(on: bus.topics.call(call.id))))
            case .historyAdded(let entry):
                outcome.changes.history.append(entry)
            case .notify(let agent, let notification):
                outcome.actions.append(.publish(bus.eventMessage(notification, on: bus.topics.agentEvents(agent))))
            case .queueChanged(let id):
                if let queue = desk.queueObject(id) {
                    outcome.actions.append(.publish(bus.stateMessage(queue, on: bus.topics.queue(id))))
                }
            case .drivePhones(let agent, let phoneIDs, let action):
                outcome.actions.append(.drive(sessions: phoneIDs.compactMap { phones[$0] }, action, agent: agent))
            }
        }
    }

    /// Persists first, then publishes: a crash between the two republishes the stored truth at the next start.
    private func commit(_ outcome: Outcome) {
        do {
            try store.write(outcome.changes)
        } catch {
            logger.error("cannot write the state store", metadata: ["error": "\(error)"])
        }
        // Messages go out in bursts (fewer, fuller TCP segments); a phone setting waits for what came before it.
        var burst: [MQTTMessage] = []
        for action in outcome.actions {
            switch action {
            case .publish(let message):
                burst.append(message)
            case .drive(let sessions, let action, let agent):
                bus.publish(contentsOf: burst)
                burst = []
                drive(sessions, action: action, agent: agent)
            }
        }
        if !burst.isEmpty { bus.publish(contentsOf: burst) }
    }

    /// DND and forwarding go to every phone of the agent whose driver can do them; the agent object already says
    /// what she asked for, so a phone that cannot follow is logged, not an error of the command.
    private func drive(_ sessions: [PhoneSession], action: PhoneAction, agent: String) {
        let logger = self.logger
        for session in sessions {
            let command: PhoneCommand
            switch action {
            case .dnd(let on):
                command = .setDoNotDisturb(on)
            case .forward(let target):
                guard let target else {
                    command = .setForwarding(nil)
                    break
                }
                guard let destination = try? DialString(validating: target) else { continue }
                command = .setForwarding(destination)
            }
            guard session.capabilities.contains(command.capability) else {
                logger.info(
                    "phone cannot follow the agent's \(command.capability.rawValue) setting",
                    metadata: ["phone.id": "\(session.id)", "agent.id": "\(agent)"])
                continue
            }
            let previous = settingTails[session.id]
            settingTails[session.id] = Task {
                await previous?.value
                do {
                    _ = try await session.perform(command)
                } catch {
                    logger.warning(
                        "phone did not take the agent's setting",
                        metadata: ["phone.id": "\(session.id)", "error": "\(error)"])
                }
            }
        }
    }
}

extension DeskConfiguration {
    /// The desk's view of the bridge configuration.
    init(bridge configuration: BridgeConfiguration) {
        self.init(
            agents: configuration.agents.map {
                AgentDefinition(
                    id: $0.id, name: $0.name, extensionNumber: $0.extensionNumber, queues: $0.queues, phones: $0.phones,
                    mode: $0.mode)
            },
            queues: configuration.queues.map {
                QueueDefinition(id: $0.id, name: $0.name, wrapSeconds: $0.wrapSeconds, numbers: $0.numbers)
            },
            presences: configuration.presences, defaultCountry: configuration.bridge.defaultCountry,
            maxRingSeconds: Dictionary(uniqueKeysWithValues: configuration.phones.map { ($0.id, $0.configuration.maxRingSeconds) }))
    }
}
