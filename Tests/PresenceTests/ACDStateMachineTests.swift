import Foundation
import Testing

@testable import Presence

@Suite("ACD state machine")
struct ACDStateMachineTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let now = t0.addingTimeInterval(5)
    static let salesWrap = WrapPeriod(queue: "sales", endsAt: t0.addingTimeInterval(30), seconds: 30)

    enum Start: String, CaseIterable, CustomStringConvertible {
        case loggedOut, ready, away, wrap, busyFromReady, busyFromAway, busyFromWrap
        var description: String { rawValue }

        var state: ACDState {
            switch self {
            case .loggedOut: .loggedOut
            case .ready: .ready
            case .away: .away
            case .wrap: .wrap(ACDStateMachineTests.salesWrap)
            case .busyFromReady: .busy(BusyPeriod(returnTo: .ready))
            case .busyFromAway: .busy(BusyPeriod(returnTo: .away))
            case .busyFromWrap: .busy(BusyPeriod(returnTo: .wrap(ACDStateMachineTests.salesWrap)))
            }
        }

        var machine: ACDStateMachine { ACDStateMachine(state: state, since: ACDStateMachineTests.t0) }
    }

    struct Legal: CustomStringConvertible, Sendable {
        var from: Start
        var command: ACDCommand
        var onCall = false
        var to: ACDState
        var events: [ACDEvent] = []
        var description: String { "\(from) --\(command)\(onCall ? " (on a call)" : "")--> \(to.kind)" }
    }

    static let wrapEnded = ACDEvent.wrapEnded(queue: "sales")

    static let legal: [Legal] = [
        Legal(from: .loggedOut, command: .login, to: .ready),
        Legal(from: .loggedOut, command: .login, onCall: true, to: .busy(BusyPeriod(returnTo: .ready))),
        Legal(from: .ready, command: .away, to: .away),
        Legal(from: .away, command: .ready, to: .ready),
        Legal(from: .ready, command: .ready, to: .ready),
        Legal(from: .away, command: .away, to: .away),
        Legal(from: .wrap, command: .endWrap, to: .ready, events: [wrapEnded]),
        Legal(from: .wrap, command: .ready, to: .ready, events: [wrapEnded]),
        Legal(from: .wrap, command: .away, to: .away, events: [wrapEnded]),
        Legal(
            from: .wrap, command: .extendWrap,
            to: .wrap(WrapPeriod(queue: "sales", endsAt: now.addingTimeInterval(30), seconds: 30))),
        Legal(from: .ready, command: .logout, to: .loggedOut),
        Legal(from: .away, command: .logout, to: .loggedOut),
        Legal(from: .wrap, command: .logout, to: .loggedOut, events: [wrapEnded]),
        Legal(from: .busyFromReady, command: .logout, to: .loggedOut),
        Legal(from: .busyFromWrap, command: .logout, to: .loggedOut, events: [wrapEnded]),
        Legal(from: .busyFromReady, command: .away, to: .busy(BusyPeriod(returnTo: .away))),
        Legal(from: .busyFromAway, command: .ready, to: .busy(BusyPeriod(returnTo: .ready))),
        Legal(from: .busyFromWrap, command: .ready, to: .busy(BusyPeriod(returnTo: .ready)), events: [wrapEnded]),
        Legal(from: .busyFromWrap, command: .away, to: .busy(BusyPeriod(returnTo: .away)), events: [wrapEnded]),
    ]

    @Test("legal transitions", arguments: legal)
    func legalTransition(_ row: Legal) throws {
        var machine = row.from.machine
        let events = try machine.apply(row.command, onCall: row.onCall, now: Self.now)
        #expect(machine.state == row.to)
        #expect(events == row.events)
        let kindChanged = row.from.state.kind != row.to.kind
        #expect(machine.since == (kindChanged ? Self.now : Self.t0), "since moves only when acd.state changes")
    }

    struct Illegal: CustomStringConvertible, Sendable {
        var from: Start
        var command: ACDCommand
        var message: String
        var description: String { "\(from) --\(command)--> refused" }
    }

    static let illegal: [Illegal] =
        [Start.ready, .away, .wrap, .busyFromReady].map {
            Illegal(from: $0, command: .login, message: "already logged in")
        }
        + [ACDCommand.logout, .ready, .away, .endWrap, .extendWrap].map {
            Illegal(from: .loggedOut, command: $0, message: "not logged in: \($0.rawValue) needs login first")
        }
        + [Start.ready, .away, .busyFromReady, .busyFromWrap].flatMap { start in
            [ACDCommand.endWrap, .extendWrap].map {
                Illegal(from: start, command: $0, message: "not in wrap (ACD state is \(start.state.kind.rawValue))")
            }
        }

    @Test("illegal transitions are refused with a reason and change nothing", arguments: illegal)
    func illegalTransition(_ row: Illegal) {
        var machine = row.from.machine
        #expect {
            _ = try machine.apply(row.command, onCall: false, now: Self.now)
        } throws: { error in
            guard let error = error as? AgentCommandError else { return false }
            return error.code == .invalidState && error.message.contains(row.message)
        }
        #expect(machine == row.from.machine)
    }

    @Test("a connected call makes a ready agent busy and its end returns her to ready")
    func callFromReady() {
        var machine = ACDStateMachine(state: .ready, since: Self.t0)
        machine.callConnected(now: Self.now)
        #expect(machine.state.kind == .busy)
        #expect(machine.callEnded(wrap: nil, stillOnCall: false, now: Self.now) == [])
        #expect(machine.state == .ready)
    }

    @Test("a queue call with wrap time ends in wrap, then the timer returns her to ready")
    func queueCallWraps() {
        var machine = ACDStateMachine(state: .ready, since: Self.t0)
        machine.callConnected(now: Self.now)
        let events = machine.callEnded(wrap: PendingWrap(queue: "sales", seconds: 30), stillOnCall: false, now: Self.now)
        let period = WrapPeriod(queue: "sales", endsAt: Self.now.addingTimeInterval(30), seconds: 30)
        #expect(events == [.wrapStarted(period)])
        #expect(machine.state == .wrap(period))
        #expect(machine.nextDeadline == period.endsAt)
        #expect(machine.tick(now: Self.now.addingTimeInterval(29)) == [])
        #expect(machine.tick(now: Self.now.addingTimeInterval(30)) == [.wrapEnded(queue: "sales")])
        #expect(machine.state == .ready)
        #expect(machine.nextDeadline == nil)
    }

    @Test("a queue whose wrap time is 0 returns her straight to ready")
    func zeroWrap() {
        var machine = ACDStateMachine(state: .ready, since: Self.t0)
        machine.callConnected(now: Self.now)
        #expect(machine.callEnded(wrap: PendingWrap(queue: "support", seconds: 0), stillOnCall: false, now: Self.now) == [])
        #expect(machine.state == .ready)
    }

    @Test("away survives any call, queue calls included: no wrap")
    func awaySurvivesCalls() {
        var machine = ACDStateMachine(state: .away, since: Self.t0)
        machine.callConnected(now: Self.now)
        #expect(machine.state == .busy(BusyPeriod(returnTo: .away)))
        #expect(machine.callEnded(wrap: PendingWrap(queue: "sales", seconds: 30), stillOnCall: false, now: Self.now) == [])
        #expect(machine.state == .away)
    }

    @Test("overlapping calls: busy until the last ends, and the wrap owed by the first is kept")
    func overlappingCalls() {
        var machine = ACDStateMachine(state: .ready, since: Self.t0)
        machine.callConnected(now: Self.now)
        machine.callConnected(now: Self.now)
        #expect(machine.callEnded(wrap: PendingWrap(queue: "sales", seconds: 30), stillOnCall: true, now: Self.now) == [])
        #expect(machine.state.kind == .busy)
        let later = Self.now.addingTimeInterval(60)
        let events = machine.callEnded(wrap: nil, stillOnCall: false, now: later)
        #expect(events == [.wrapStarted(WrapPeriod(queue: "sales", endsAt: later.addingTimeInterval(30), seconds: 30))])
    }

    @Test("a call during wrap resumes the wrap if time remains, else ends it")
    func callDuringWrap() {
        var machine = ACDStateMachine(state: .wrap(Self.salesWrap), since: Self.t0)
        machine.callConnected(now: Self.now)
        #expect(machine.state.kind == .busy)
        #expect(machine.nextDeadline == nil, "the wrap timer does not run while she is busy")
        var resumed = machine
        #expect(resumed.callEnded(wrap: nil, stillOnCall: false, now: Self.t0.addingTimeInterval(20)) == [])
        #expect(resumed.state == .wrap(Self.salesWrap))
        #expect(machine.callEnded(wrap: nil, stillOnCall: false, now: Self.t0.addingTimeInterval(31)) == [Self.wrapEnded])
        #expect(machine.state == .ready)
    }

    @Test("calls do not log a logged-out agent in")
    func loggedOutIgnoresCalls() {
        var machine = ACDStateMachine(since: Self.t0)
        machine.callConnected(now: Self.now)
        #expect(machine.callEnded(wrap: PendingWrap(queue: "sales", seconds: 30), stillOnCall: false, now: Self.now) == [])
        #expect(machine.state == .loggedOut)
        #expect(machine.since == Self.t0)
    }
}
