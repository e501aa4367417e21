import Foundation

/// One agent's ACD session: login, ready/away, busy on calls, wrap after queue calls. Pure; time is injected.
///
/// Rules (contract §5 and the agent guide): `away` lasts until her own `ready` or `logout`, across calls; a
/// connected call while logged in makes her `busy` until her last call ends; then a queue call with wrap time
/// puts her in `wrap` (unless she was away), any other call returns her to the state she had before.
public struct ACDStateMachine: Sendable, Equatable, Codable {
    /// The current state.
    public private(set) var state: ACDState
    /// When the published state (`acd.state`) last changed.
    public private(set) var since: Date

    /// Creates a machine in `state` (logged out unless restored).
    public init(state: ACDState = .loggedOut, since: Date) {
        self.state = state
        self.since = since
    }

    /// When the machine needs `tick(now:)`: the end of a running wrap.
    public var nextDeadline: Date? { state.wrapPeriod?.endsAt }

    /// Applies an agent's command; `onCall` says whether she is on a connected or held call right now.
    public mutating func apply(
        _ command: ACDCommand, onCall: Bool, now: Date
    ) throws(AgentCommandError) -> [ACDEvent] {
        switch (command, state) {
        case (.login, .loggedOut):
            enter(onCall ? .busy(BusyPeriod(returnTo: .ready)) : .ready, now: now)
            return []
        case (.login, _):
            throw .invalidState("already logged in (ACD state is \(state.kind.rawValue)); use logout first")
        case (_, .loggedOut):
            throw .invalidState("not logged in: \(command.rawValue) needs login first")
        case (.logout, _):
            let events = endingWrap()
            enter(.loggedOut, now: now)
            return events
        case (.ready, .ready), (.away, .away):
            return []
        case (.ready, .away):
            enter(.ready, now: now)
            return []
        case (.away, .ready):
            enter(.away, now: now)
            return []
        case (.ready, .wrap), (.endWrap, .wrap):
            let events = endingWrap()
            enter(.ready, now: now)
            return events
        case (.away, .wrap):
            let events = endingWrap()
            enter(.away, now: now)
            return events
        case (.ready, .busy(var period)), (.away, .busy(var period)):
            let events = endingWrap()
            period.returnTo = command == .ready ? .ready : .away
            state = .busy(period)
            return events
        case (.extendWrap, .wrap(var period)):
            period.endsAt = now.addingTimeInterval(TimeInterval(period.seconds))
            state = .wrap(period)
            return []
        case (.endWrap, _), (.extendWrap, _):
            throw .invalidState("not in wrap (ACD state is \(state.kind.rawValue)): \(command.rawValue) works only in wrap")
        }
    }

    /// A call of hers connected: while logged in she is busy until her last call ends.
    public mutating func callConnected(now: Date) {
        switch state {
        case .loggedOut, .busy:
            return
        case .ready:
            enter(.busy(BusyPeriod(returnTo: .ready)), now: now)
        case .away:
            enter(.busy(BusyPeriod(returnTo: .away)), now: now)
        case .wrap(let period):
            enter(.busy(BusyPeriod(returnTo: .wrap(period))), now: now)
        }
    }

    /// A connected call of hers ended; `wrap` is owed for a queue call with wrap time, `stillOnCall` says whether
    /// another call keeps her busy.
    public mutating func callEnded(wrap: PendingWrap?, stillOnCall: Bool, now: Date) -> [ACDEvent] {
        guard case .busy(var period) = state else { return [] }
        if let wrap, wrap.seconds > 0 { period.pendingWrap = wrap }
        guard !stillOnCall else {
            state = .busy(period)
            return []
        }
        switch period.returnTo {
        case .away:
            enter(.away, now: now)
            return []
        case .ready, .wrap:
            if let owed = period.pendingWrap {
                let wrap = WrapPeriod(
                    queue: owed.queue, endsAt: now.addingTimeInterval(TimeInterval(owed.seconds)), seconds: owed.seconds)
                enter(.wrap(wrap), now: now)
                return [.wrapStarted(wrap)]
            }
            if case .wrap(let interrupted) = period.returnTo {
                if interrupted.endsAt > now {
                    enter(.wrap(interrupted), now: now)
                    return []
                }
                enter(.ready, now: now)
                return [.wrapEnded(queue: interrupted.queue)]
            }
            enter(.ready, now: now)
            return []
        }
    }

    /// Ends a wrap whose deadline has passed.
    public mutating func tick(now: Date) -> [ACDEvent] {
        guard case .wrap(let period) = state, period.endsAt <= now else { return [] }
        enter(.ready, now: now)
        return [.wrapEnded(queue: period.queue)]
    }

    /// The wrap that a command ends, running or interrupted by a call.
    private func endingWrap() -> [ACDEvent] {
        switch state {
        case .wrap(let period):
            return [.wrapEnded(queue: period.queue)]
        case .busy(let busy):
            if case .wrap(let period) = busy.returnTo { return [.wrapEnded(queue: period.queue)] }
            return []
        case .loggedOut, .ready, .away:
            return []
        }
    }

    private mutating func enter(_ next: ACDState, now: Date) {
        if next.kind != state.kind { since = now }
        state = next
    }
}
