import CallModel
import Foundation

/// The calls one baresip has, as learnt from its events and the bridge's own commands; emits `PhoneEvent`s.
///
/// Events and command results both pass through here, so each normalised event is emitted once and in order
/// even where baresip 1.0.0 has no event of its own (outgoing call start, hold, resume) and the driver has to
/// derive it.
actor BaresipCallTracker {
    /// Where one call stands.
    enum Phase: Sendable, Equatable {
        case alerting
        case initiated
        case connected
        case held
    }

    struct TrackedCall: Sendable, Equatable {
        var outgoing: Bool
        var remote: CallParty
        var phase: Phase
        var remoteAlerting = false
        var wasEstablished = false
        var transferTarget: String?
        var order: Int
    }

    /// Calls beyond this many are forgotten oldest first (their CALL_CLOSED was lost).
    static let maximumCalls = 64

    private let phoneID: String
    private let sink: PhoneEventSink
    private let now: @Sendable () -> Date
    private var calls: [String: TrackedCall] = [:]
    private var nextOrder = 0
    /// User parts of URIs the bridge asked baresip to dial whose call has not shown up yet. baresip 1.0.0's
    /// first event of a dial carries no call id, and a call refused at once (404) sends only CALL_CLOSED.
    private var pendingDials: [String] = []
    private static let maximumPendingDials = 8

    init(phoneID: String, sink: PhoneEventSink, now: @escaping @Sendable () -> Date) {
        self.phoneID = phoneID
        self.sink = sink
        self.now = now
    }

    /// The calls known now, by baresip call id.
    var knownCalls: [String: TrackedCall] { calls }

    /// Applies one ctrl_tcp event; returns the normalised events it produced (already emitted).
    @discardableResult
    func apply(_ message: BaresipMessage) -> [PhoneEvent.Kind] {
        guard message.kind == .event, let id = message.callID, !id.isEmpty else { return [] }
        let remote = CallParty(address: message.peerURI, displayName: message.peerDisplayName)
        var produced: [PhoneEvent.Kind] = []
        switch BaresipEventMeaning.of(message.type) {
        case .incoming:
            guard calls[id] == nil else { return [] }
            track(id, outgoing: false, remote: remote, phase: .alerting)
            produced.append(.delivered(call: PhoneCallID(id), remote: remote, dialled: nil))
        case .outgoing:
            produced += announceOutgoing(id, remote: remote)
        case .outgoingOffer:
            // The answer side of an incoming call also sends CALL_LOCAL_SDP (param "answer"): only offers count.
            guard message.isOutgoing, message.param == "offer" else { return [] }
            produced += announceOutgoing(id, remote: remote)
        case .remoteAlerting:
            if message.isOutgoing { produced += announceOutgoing(id, remote: remote) }
            guard var call = calls[id], call.outgoing, !call.remoteAlerting, !call.wasEstablished else { break }
            call.remoteAlerting = true
            calls[id] = call
            produced.append(.remoteAlerting(call: PhoneCallID(id)))
        case .established:
            if message.isOutgoing { produced += announceOutgoing(id, remote: remote) }
            if calls[id] == nil { track(id, outgoing: message.isOutgoing, remote: remote, phase: .connected) }
            guard var call = calls[id], !call.wasEstablished else { break }
            call.wasEstablished = true
            call.phase = .connected
            calls[id] = call
            produced.append(.established(call: PhoneCallID(id), remote: remote))
        case .held:
            produced += markHeld(id, held: true)
        case .resumed:
            produced += markHeld(id, held: false)
        case .closed:
            if message.isOutgoing, calls[id] == nil, claimPendingDial(remote) {
                produced += announceOutgoing(id, remote: remote)
            }
            produced += close(id, message: message)
        case .redirected:
            calls[id] = nil
            produced.append(.diverted(call: PhoneCallID(id), target: message.param))
        case .ignored:
            return []
        }
        emit(produced)
        return produced
    }

    /// Notes that the bridge is about to dial `uri`, so the call's first event with an id announces it.
    func expectDial(_ uri: String) {
        guard let user = CallParty(address: uri).userPart else { return }
        pendingDials.append(user)
        if pendingDials.count > Self.maximumPendingDials { pendingDials.removeFirst() }
    }

    /// Forgets a dial that baresip did not carry out.
    func dialFailed(_ uri: String) {
        guard let user = CallParty(address: uri).userPart, let index = pendingDials.firstIndex(of: user) else { return }
        pendingDials.remove(at: index)
    }

    /// Records a call the bridge just dialled (its id read back from baresip); emits serviceInitiated once.
    func dialled(_ id: String, remote: CallParty) {
        emit(announceOutgoing(id, remote: remote))
    }

    /// Records a hold or resume the bridge made (baresip before 3.9 has no event for it).
    func holdChanged(_ id: String, held: Bool) {
        emit(markHeld(id, held: held))
    }

    /// Remembers where the bridge transferred a call, for the `transferred` event when baresip closes it.
    func transferRequested(_ id: String, target: String) {
        calls[id]?.transferTarget = target
    }

    private func claimPendingDial(_ remote: CallParty) -> Bool {
        guard let user = remote.userPart, let index = pendingDials.firstIndex(of: user) else { return false }
        pendingDials.remove(at: index)
        return true
    }

    private func announceOutgoing(_ id: String, remote: CallParty) -> [PhoneEvent.Kind] {
        guard calls[id] == nil else { return [] }
        _ = claimPendingDial(remote)
        track(id, outgoing: true, remote: remote, phase: .initiated)
        return [.serviceInitiated(call: PhoneCallID(id), remote: remote)]
    }

    private func markHeld(_ id: String, held: Bool) -> [PhoneEvent.Kind] {
        guard var call = calls[id] else { return [] }
        switch (call.phase, held) {
        case (.connected, true):
            call.phase = .held
            calls[id] = call
            return [.held(call: PhoneCallID(id))]
        case (.held, false):
            call.phase = .connected
            calls[id] = call
            return [.retrieved(call: PhoneCallID(id))]
        default:
            return []
        }
    }

    private func close(_ id: String, message: BaresipMessage) -> [PhoneEvent.Kind] {
        let call = calls.removeValue(forKey: id)
        if (message.param ?? "").lowercased() == BaresipClearCause.transferred {
            return [.transferred(call: PhoneCallID(id), target: call?.transferTarget)]
        }
        let cause = BaresipClearCause.cause(
            param: message.param, outgoing: call?.outgoing ?? message.isOutgoing,
            wasEstablished: call?.wasEstablished)
        return [.connectionCleared(call: PhoneCallID(id), cause: cause)]
    }

    private func track(_ id: String, outgoing: Bool, remote: CallParty, phase: Phase) {
        if calls.count >= Self.maximumCalls, let oldest = calls.min(by: { $0.value.order < $1.value.order })?.key {
            calls[oldest] = nil
        }
        calls[id] = TrackedCall(outgoing: outgoing, remote: remote, phase: phase, order: nextOrder)
        nextOrder += 1
    }

    private func emit(_ kinds: [PhoneEvent.Kind]) {
        for kind in kinds {
            sink.emit(PhoneEvent(phoneID: phoneID, at: now(), kind: kind))
        }
    }
}
