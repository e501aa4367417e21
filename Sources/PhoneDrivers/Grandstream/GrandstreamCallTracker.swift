import CallModel
import Foundation

/// The calls of one Grandstream phone as its callbacks and line-status answers describe them.
///
/// Grandstream reports no call identifier, so the tracker gives each call a stable id made of its line (0 when
/// a callback did not say) and its start time in milliseconds, `gs-<line>-<ms>`, and finds the call a later
/// callback is about by the remote number (or as the only live call).
actor GrandstreamCallTracker {
    struct Call: Sendable, Equatable {
        var id: PhoneCallID
        var remote: CallParty
        var direction: CallDirection
        var state: ConnectionState
        var everConnected: Bool
        var line: Int?

        var remoteKey: String? { remote.userPart }
    }

    private let now: @Sendable () -> Date
    private var calls: [Call] = []
    private var lastStart: Int64 = 0
    /// DND as last reported or set; `nil` until known.
    private(set) var doNotDisturb: Bool?

    /// A phone has a few lines; more live calls than this means callbacks were lost.
    private static let maximumCalls = 16

    init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// Interprets one callback; returns the normalised events it produces (none if it concerns no known call).
    func apply(_ callback: GrandstreamEvents.Callback) -> [PhoneEvent.Kind] {
        let remote = CallParty(address: callback.remote, displayName: callback.displayRemote)
        switch callback.row.effect {
        case .starts(let direction):
            let state: ConnectionState = direction == .inbound ? .alerting : .initiated
            if let existing = find(remote), existing.direction == direction, existing.state == state {
                return []
            }
            let call = start(remote: remote, direction: direction, state: state, line: nil)
            if direction == .inbound {
                return [.delivered(call: call.id, remote: remote, dialled: callback.local.flatMap { CallParty(address: $0).userPart })]
            }
            return [.serviceInitiated(call: call.id, remote: remote)]
        case .established:
            let call = find(remote) ?? start(remote: remote, direction: .inbound, state: .connected, line: nil)
            update(call.id) {
                $0.state = .connected
                $0.everConnected = true
            }
            return [.established(call: call.id, remote: call.remote.address == nil ? remote : call.remote)]
        case .held:
            guard let call = find(remote) else { return [] }
            update(call.id) { $0.state = .held }
            return [.held(call: call.id)]
        case .retrieved:
            guard let call = find(remote) else { return [] }
            update(call.id) { $0.state = .connected }
            return [.retrieved(call: call.id)]
        case .terminated:
            guard let call = find(remote) else { return [] }
            remove(call.id)
            let cause: ClearCause = !call.everConnected && call.direction == .inbound ? .missed : .normal
            return [.connectionCleared(call: call.id, cause: cause)]
        case .missed:
            guard let call = find(remote) else { return [] }
            remove(call.id)
            return [.connectionCleared(call: call.id, cause: .missed)]
        case .transferred:
            guard let call = find(remote) else { return [] }
            remove(call.id)
            return [.transferred(call: call.id, target: nil)]
        case .doNotDisturb(let on):
            doNotDisturb = on
            return [.doNotDisturb(on: on)]
        case .rebooted:
            calls.removeAll()
            return [.rebooted]
        }
    }

    /// Matches the phone's line status to the tracked calls, adopting new ones and forgetting ended ones.
    func reconcile(_ lines: [GrandstreamLineStatus]) -> [PhoneCallSnapshot] {
        var seen: [PhoneCallID] = []
        for line in lines.sorted(by: { $0.line < $1.line }) {
            guard let state = line.connectionState else { continue }
            let remote = CallParty(address: line.remoteNumber, displayName: line.remoteName)
            let existing =
                calls.first { $0.line == line.line && !seen.contains($0.id) }
                ?? calls.first { $0.line == nil && $0.remoteKey != nil && $0.remoteKey == remote.userPart && !seen.contains($0.id) }
            let id: PhoneCallID
            if let existing {
                id = existing.id
                update(id) {
                    $0.line = line.line
                    $0.state = state
                    if state == .connected || state == .held { $0.everConnected = true }
                }
            } else {
                id = start(remote: remote, direction: line.direction ?? .inbound, state: state, line: line.line).id
            }
            seen.append(id)
        }
        calls.removeAll { !seen.contains($0.id) }
        return calls.map { PhoneCallSnapshot(call: $0.id, state: $0.state, direction: $0.direction, remote: $0.remote) }
    }

    /// The call a command names, or the newest live call.
    func target(_ requested: PhoneCallID?) -> Call? {
        if let requested { return calls.first { $0.id == requested } }
        return calls.last
    }

    /// Records DND as set by a command.
    func setDoNotDisturb(_ on: Bool) {
        doNotDisturb = on
    }

    private func find(_ remote: CallParty) -> Call? {
        if let key = remote.userPart, let match = calls.last(where: { $0.remoteKey == key }) { return match }
        return calls.count == 1 ? calls[0] : nil
    }

    private func start(remote: CallParty, direction: CallDirection, state: ConnectionState, line: Int?) -> Call {
        // Start times are unique per phone, so two calls starting in the same millisecond still differ.
        let millis = max(Int64((now().timeIntervalSince1970 * 1000).rounded(.down)), lastStart + 1)
        lastStart = millis
        let call = Call(
            id: PhoneCallID("gs-\(line ?? 0)-\(millis)"), remote: remote, direction: direction, state: state,
            everConnected: state == .connected, line: line)
        calls.append(call)
        if calls.count > Self.maximumCalls { calls.removeFirst() }
        return call
    }

    private func update(_ id: PhoneCallID, _ change: (inout Call) -> Void) {
        guard let index = calls.firstIndex(where: { $0.id == id }) else { return }
        change(&calls[index])
    }

    private func remove(_ id: PhoneCallID) {
        calls.removeAll { $0.id == id }
    }
}
