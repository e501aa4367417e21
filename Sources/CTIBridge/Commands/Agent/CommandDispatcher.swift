import CallModel
import Foundation
import Logging
import PhoneDrivers
import Presence

/// Carries out agent commands from MQTT and HTTP alike.
///
/// Commands for one agent run in arrival order; different agents' commands run in parallel (and the phone
/// sessions keep each phone's requests in order). A `requestId` seen again within a minute returns the first
/// result without acting again, so a CRM double-click never dials twice.
actor CommandDispatcher {
    static let idempotencyWindow: TimeInterval = 60

    private let coordinator: AgentCoordinator
    private let reconciler: CallReconciler
    private let phones: [String: PhoneSession]
    private let agentPhones: [String: [String]]
    private let logger: Logger
    private var tails: [String: Task<Void, Never>] = [:]
    private var recent: [String: (result: CommandResult, at: Date)] = [:]
    private var inFlight: [String: Task<CommandResult, Never>] = [:]

    init(
        configuration: BridgeConfiguration, coordinator: AgentCoordinator, reconciler: CallReconciler,
        phones: [String: PhoneSession], logger: Logger
    ) {
        self.coordinator = coordinator
        self.reconciler = reconciler
        self.phones = phones
        self.agentPhones = Dictionary(uniqueKeysWithValues: configuration.agents.map { ($0.id, $0.phones) })
        self.logger = logger
    }

    /// Takes a command in arrival order and returns the task that will produce its result.
    func enqueue(agent: String, body: [UInt8]) -> Task<CommandResult, Never> {
        let request: CommandRequest
        switch CommandRequest.decode(body) {
        case .failure(let failure):
            return Task { .failure(failure) }
        case .success(let decoded):
            request = decoded
        }
        guard agentPhones[agent] != nil else {
            return Task { .failure(CommandFailure(.unknownAgent, "no agent \"\(agent.prefix(64))\"", requestID: request.requestID)) }
        }
        let key = request.requestID.map { "\(agent)\u{0}\($0)" }
        if let key {
            purgeExpired()
            if let earlier = recent[key] { return Task { earlier.result } }
            if let running = inFlight[key] { return running }
        }
        let previous = tails[agent]
        let task = Task<CommandResult, Never> {
            await previous?.value
            return await self.execute(request, agent: agent)
        }
        tails[agent] = Task { _ = await task.value }
        if let key {
            inFlight[key] = task
            Task { self.remember(key, result: await task.value) }
        }
        return task
    }

    private func remember(_ key: String, result: CommandResult) {
        inFlight[key] = nil
        recent[key] = (result, Date())
    }

    private func purgeExpired() {
        let cutoff = Date().addingTimeInterval(-Self.idempotencyWindow)
        recent = recent.filter { $0.value.at > cutoff }
    }

    // MARK: Execution

    private func execute(_ request: CommandRequest, agent: String) async -> CommandResult {
        // Checked when the command's turn comes, not on arrival: it may also have waited behind a slow phone.
        if let expiresAt = request.expiresAt, expiresAt <= Date() {
            logger.info(
                "command expired before it could run",
                metadata: ["agent.id": "\(agent)", "requestId": "\(request.requestID ?? "")", "expiresAt": "\(JSONCoding.timestamp(expiresAt))"])
            return .failure(
                CommandFailure(
                    .expired,
                    "the command expired at \(JSONCoding.timestamp(expiresAt)) before the bridge could act on it "
                        + "(it waited, for example while the bridge was disconnected from the broker); nothing was done",
                    requestID: request.requestID))
        }
        do {
            let outcome = try await run(request.action, agent: agent)
            return .success(requestID: request.requestID, callID: outcome.callID, changes: outcome.changes)
        } catch {
            var failure = error
            failure.requestID = request.requestID
            return .failure(failure)
        }
    }

    private struct Outcome {
        var callID: String?
        var changes: [String]?
    }

    private func run(_ action: CommandAction, agent: String) async throws(CommandFailure) -> Outcome {
        switch action {
        case .agent(let command):
            if case .failure(let error) = await coordinator.perform(command, agent: agent) {
                throw CommandFailure(error.code, error.message)
            }
            return Outcome()
        case .resync:
            return Outcome(changes: try await resync(agent: agent))
        case .dial(let destination, let phoneID):
            let session = try await phoneForDialling(agent: agent, requested: phoneID)
            let result = try await perform(.dial(destination), on: session)
            return Outcome(callID: await bridgeCallID(phone: session.id, vendorCall: result.callID))
        case .answer(let callID):
            let (session, leg) = try await target(agent: agent, callID: callID, states: [.alerting], action: "answer")
            _ = try await perform(.answer(call: leg), on: session)
            return Outcome(callID: await bridgeCallID(phone: session.id, vendorCall: leg))
        case .hangup(let callID):
            let (session, leg) = try await target(
                agent: agent, callID: callID, states: [.connected, .held, .initiated, .alerting], action: "hang up")
            _ = try await perform(.hangup(call: leg), on: session)
            return Outcome(callID: await bridgeCallID(phone: session.id, vendorCall: leg))
        case .hold(let callID):
            let (session, leg) = try await target(agent: agent, callID: callID, states: [.connected], action: "hold")
            _ = try await perform(.hold(call: leg), on: session)
            return Outcome(callID: await bridgeCallID(phone: session.id, vendorCall: leg))
        case .resume(let callID):
            let (session, leg) = try await target(agent: agent, callID: callID, states: [.held], action: "resume")
            _ = try await perform(.resume(call: leg), on: session)
            return Outcome(callID: await bridgeCallID(phone: session.id, vendorCall: leg))
        case .transfer(let destination, let callID):
            let (session, leg) = try await target(
                agent: agent, callID: callID, states: [.connected, .held], action: "transfer")
            _ = try await perform(.transfer(to: destination, call: leg), on: session)
            return Outcome(callID: await bridgeCallID(phone: session.id, vendorCall: leg))
        }
    }

    private func perform(_ command: PhoneCommand, on session: PhoneSession) async throws(CommandFailure)
        -> PhoneCommandOutcome
    {
        do {
            return try await session.perform(command)
        } catch {
            // A refused hangup or answer often means the bridge's picture of the phone's calls is stale.
            reconciler.askSoon(session.id)
            throw CommandFailure(Self.code(for: error), error.message)
        }
    }

    static func code(for error: PhoneCommandError) -> AgentErrorCode {
        switch error {
        case .notSupported: .notSupported
        case .unreachable: .phoneUnreachable
        case .rejected: .phoneRejected
        case .noCall: .noCall
        case .invalidState: .invalidState
        }
    }

    // MARK: Choosing the phone and the call

    private func requireDeskphoneMode(agent: String) async throws(CommandFailure) {
        if let object = await coordinator.agentObject(agent), object.mode == .softphone {
            throw CommandFailure(
                .invalidState,
                "\(object.name) works in softphone mode: the bridge does not control her phone (send mode deskphone first)")
        }
    }

    private func phoneForDialling(agent: String, requested: String?) async throws(CommandFailure) -> PhoneSession {
        try await requireDeskphoneMode(agent: agent)
        let owned = agentPhones[agent] ?? []
        if let requested {
            guard owned.contains(requested), let session = phones[requested] else {
                throw CommandFailure(.badRequest, "phone \"\(requested.prefix(64))\" is not one of \(agent)'s phones")
            }
            return session
        }
        // Her first phone that can dial: the deskphone is listed first in the configuration.
        guard let session = owned.compactMap({ phones[$0] }).first(where: { $0.capabilities.contains(.dial) })
            ?? owned.first.flatMap({ phones[$0] })
        else {
            throw CommandFailure(.invalidState, "\(agent) has no phone configured")
        }
        return session
    }

    private func target(agent: String, callID: String?, states: [ConnectionState], action: String)
        async throws(CommandFailure) -> (PhoneSession, PhoneCallID)
    {
        try await requireDeskphoneMode(agent: agent)
        let calls: [LiveCall]
        if let callID {
            guard let live = await coordinator.liveCall(callID), live.call.agent == agent else {
                throw CommandFailure(.noCall, "no call \"\(callID.prefix(64))\" for \(agent)")
            }
            calls = [live]
        } else {
            let object = await coordinator.agentObject(agent)
            var found: [LiveCall] = []
            for call in object?.calls ?? [] {
                if let live = await coordinator.liveCall(call.id) { found.append(live) }
            }
            calls = found
        }
        // The states in the order given express preference (hang up the connected call before a ringing one).
        for state in states {
            for live in calls.reversed() {
                if let leg = live.legs.first(where: { $0.state == state }), let session = phones[leg.phone] {
                    return (session, leg.vendorCall)
                }
            }
        }
        if let callID, let live = calls.first {
            throw CommandFailure(.invalidState, "cannot \(action) call \(callID.prefix(64)): it is \(live.call.state.rawValue)")
        }
        throw CommandFailure(.noCall, "\(agent) has no call to \(action)")
    }

    /// The bridge's id for a call a phone command started or acted on. A new call's first event may still be on
    /// its way from the driver, so this waits for it briefly.
    private func bridgeCallID(phone: String, vendorCall: PhoneCallID?) async -> String? {
        guard let vendorCall else { return nil }
        for _ in 0..<50 {
            if let id = await coordinator.callID(phone: phone, vendorCall: vendorCall) { return id }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Asks each of her phones that can list calls for them and corrects the bridge's calls; answers what changed
    /// (`ended <callId>`, `created <callId>`).
    func resync(agent: String) async throws(CommandFailure) -> [String] {
        var total = ReconcileOutcome()
        var asked = 0
        for phoneID in agentPhones[agent] ?? [] {
            do {
                guard let outcome = try await reconciler.reconcile(phone: phoneID) else { continue }
                asked += 1
                total = total + outcome
            } catch {
                throw CommandFailure(Self.code(for: error), "phone \(phoneID): \(error.message)")
            }
        }
        if asked == 0 {
            throw CommandFailure(.notSupported, "none of \(agent)'s phones can list its calls")
        }
        return total.changes
    }
}
