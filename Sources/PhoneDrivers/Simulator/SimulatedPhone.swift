import CallModel
import Foundation

/// The state of one simulated deskphone: its calls, DND, forwarding and power, with timers for the far end.
///
/// It behaves like a real phone seen through a driver: commands change calls and produce the same
/// normalised events a vendor callback would, and the far end answers, rings out or hangs up on timers.
actor SimulatedPhone {
    private struct Call {
        var direction: CallDirection
        var state: ConnectionState
        var remote: CallParty
        var timer: Task<Void, Never>?
    }

    private let phoneID: String
    private let options: SimulatorOptions
    private let context: PhoneDriverContext
    private let callIDPrefix: String
    private var calls: [PhoneCallID: Call] = [:]
    private var callOrder: [PhoneCallID] = []
    private var nextCallNumber = 1
    private var doNotDisturb = false
    private var forwardTo: DialString?
    private(set) var poweredOn = true
    /// The network between bridge and phone is down: requests fail, calls go on.
    private(set) var linkDown = false

    init(phoneID: String, options: SimulatorOptions, context: PhoneDriverContext) {
        self.phoneID = phoneID
        self.options = options
        self.context = context
        // A random prefix keeps call ids unique across restarts of the bridge.
        self.callIDPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    // MARK: Commands from the bridge

    func perform(_ command: PhoneCommand) throws(PhoneCommandError) -> PhoneCommandOutcome {
        guard poweredOn else { throw .unreachable("the simulated phone \(phoneID) is powered off") }
        guard !linkDown else { throw .unreachable("the simulated phone \(phoneID) cannot be reached") }
        switch command {
        case .dial(let destination):
            let id = newCallID()
            calls[id] = Call(direction: .outbound, state: .initiated, remote: CallParty(address: destination.value))
            callOrder.append(id)
            emit(.serviceInitiated(call: id, remote: CallParty(address: destination.value)))
            schedule(id, after: options.farEndAnswerAfter) { phone in await phone.farEndAnswers(id) }
            return PhoneCommandOutcome(callID: id)
        case .answer(let requested):
            let id = try target(requested, in: [.alerting], action: "answer")
            connect(id)
            return PhoneCommandOutcome(callID: id)
        case .hangup(let requested):
            let id = try target(requested, in: [.connected, .held, .initiated, .alerting], action: "hang up")
            let call = calls[id]!
            let cause: ClearCause = call.state == .alerting && call.direction == .inbound ? .rejected : .normal
            end(id, cause: cause)
            return PhoneCommandOutcome(callID: id)
        case .hold(let requested):
            let id = try target(requested, in: [.connected], action: "hold")
            calls[id]!.state = .held
            emit(.held(call: id))
            return PhoneCommandOutcome(callID: id)
        case .resume(let requested):
            let id = try target(requested, in: [.held], action: "resume")
            calls[id]!.state = .connected
            emit(.retrieved(call: id))
            return PhoneCommandOutcome(callID: id)
        case .transfer(let destination, let requested):
            let id = try target(requested, in: [.connected, .held], action: "transfer")
            remove(id)
            emit(.transferred(call: id, target: destination.value))
            return PhoneCommandOutcome(callID: id)
        case .setDoNotDisturb(let on):
            doNotDisturb = on
            emit(.doNotDisturb(on: on))
            return PhoneCommandOutcome()
        case .setForwarding(let destination):
            forwardTo = destination
            emit(.forwarding(target: destination?.value))
            return PhoneCommandOutcome()
        }
    }

    // MARK: The outside world

    /// An inbound call arrives. Returns its id, or why the phone did not ring. A `quiet` ring loses its
    /// callback: the phone rings but the bridge is not told.
    func ring(from: String, name: String?, dialled: String?, quiet: Bool = false) -> Result<PhoneCallID, RingRefusal> {
        guard poweredOn else { return .failure(.poweredOff) }
        guard !doNotDisturb else { return .failure(.doNotDisturb) }
        let id = newCallID()
        let remote = CallParty(address: from, displayName: name)
        if !quiet { emit(.delivered(call: id, remote: remote, dialled: dialled)) }
        if let forwardTo {
            emit(.diverted(call: id, target: forwardTo.value))
            return .success(id)
        }
        calls[id] = Call(direction: .inbound, state: .alerting, remote: remote)
        callOrder.append(id)
        if let autoAnswer = options.autoAnswerAfter {
            schedule(id, after: autoAnswer) { phone in await phone.autoAnswer(id) }
        } else {
            schedule(id, after: options.ringTimeout) { phone in await phone.callerGivesUp(id) }
        }
        return .success(id)
    }

    /// The far end hangs up (or the caller abandons a ringing call).
    func farEndHangsUp(_ id: PhoneCallID?) -> Bool {
        guard let id = id ?? callOrder.last, let call = calls[id] else { return false }
        let cause: ClearCause =
            switch (call.direction, call.state) {
            case (.inbound, .alerting): .missed
            case (.outbound, .initiated): .busy
            default: .normal
            }
        end(id, cause: cause)
        return true
    }

    /// The agent answers on the phone itself (lifts the handset), not through the bridge.
    func userPicksUp(_ id: PhoneCallID?) -> Bool {
        guard let id = id ?? callOrder.last(where: { calls[$0]?.state == .alerting }), calls[id]?.state == .alerting else {
            return false
        }
        connect(id)
        return true
    }

    /// The call ends on the phone but its callback is lost: nothing is emitted, as when a hangup request to the
    /// bridge times out. Only asking the phone for its calls finds out.
    func dropSilently(_ id: PhoneCallID?) -> Bool {
        guard let id = id ?? callOrder.last, calls[id] != nil else { return false }
        remove(id)
        return true
    }

    /// Cuts or restores the network to the phone; its calls go on either way.
    func setLink(up: Bool) {
        linkDown = !up
    }

    /// Whether the bridge can reach the phone now.
    var reachable: Bool { poweredOn && !linkDown }

    /// Power off loses every call silently, as a real phone does; power on announces a reboot.
    func setPower(on: Bool) {
        guard on != poweredOn else { return }
        poweredOn = on
        if on {
            emit(.rebooted)
        } else {
            for id in callOrder { calls[id]?.timer?.cancel() }
            calls.removeAll()
            callOrder.removeAll()
        }
    }

    /// The live calls as the phone lists them, oldest first.
    var snapshots: [PhoneCallSnapshot] {
        callOrder.compactMap { id in
            calls[id].map { PhoneCallSnapshot(call: id, state: $0.state, direction: $0.direction, remote: $0.remote) }
        }
    }

    /// The live calls, for inspection.
    var liveCalls: [PhoneCallID: ConnectionState] {
        calls.mapValues(\.state)
    }

    // MARK: Timers

    private func farEndAnswers(_ id: PhoneCallID) {
        guard calls[id]?.state == .initiated else { return }
        connect(id)
    }

    private func autoAnswer(_ id: PhoneCallID) {
        guard calls[id]?.state == .alerting else { return }
        connect(id)
    }

    private func callerGivesUp(_ id: PhoneCallID) {
        guard calls[id]?.state == .alerting else { return }
        end(id, cause: .missed)
    }

    private func connect(_ id: PhoneCallID) {
        calls[id]?.timer?.cancel()
        calls[id]?.timer = nil
        calls[id]?.state = .connected
        emit(.established(call: id, remote: calls[id]?.remote))
        if let hangupAfter = options.farEndHangupAfter {
            schedule(id, after: hangupAfter) { phone in _ = await phone.farEndHangsUp(id) }
        }
    }

    private func end(_ id: PhoneCallID, cause: ClearCause) {
        remove(id)
        emit(.connectionCleared(call: id, cause: cause))
    }

    private func remove(_ id: PhoneCallID) {
        calls[id]?.timer?.cancel()
        calls[id] = nil
        callOrder.removeAll { $0 == id }
    }

    private func schedule(_ id: PhoneCallID, after delay: Duration, _ action: @escaping @Sendable (SimulatedPhone) async -> Void) {
        let clock = context.clock
        calls[id]?.timer = Task { [weak self] in
            do {
                try await clock.sleep(for: delay)
            } catch {
                return
            }
            guard let self else { return }
            await action(self)
        }
    }

    // MARK: Helpers

    private func target(_ requested: PhoneCallID?, in states: [ConnectionState], action: String)
        throws(PhoneCommandError) -> PhoneCallID
    {
        if let requested {
            guard let call = calls[requested] else { throw .noCall("no call \(requested) on phone \(phoneID)") }
            guard states.contains(call.state) else {
                throw .invalidState("cannot \(action) call \(requested): it is \(call.state.rawValue)")
            }
            return requested
        }
        // Prefer the states in the order given, newest call first within a state.
        for state in states {
            if let id = callOrder.last(where: { calls[$0]?.state == state }) { return id }
        }
        throw .noCall("no call to \(action) on phone \(phoneID)")
    }

    private func newCallID() -> PhoneCallID {
        defer { nextCallNumber += 1 }
        return PhoneCallID("sim-\(callIDPrefix)-\(nextCallNumber)")
    }

    private func emit(_ kind: PhoneEvent.Kind) {
        context.events.emit(PhoneEvent(phoneID: phoneID, at: context.now(), kind: kind))
    }
}

/// Why a simulated phone did not ring.
enum RingRefusal: Error, Sendable {
    case poweredOff
    case doNotDisturb
}
