import Foundation

/// An agent's ACD state, with what each state must remember to leave it correctly.
public enum ACDState: Sendable, Equatable, Codable {
    /// Off duty: no queue calls.
    case loggedOut
    /// Takes queue calls.
    case ready
    /// Logged in but takes no queue calls until she sets herself ready.
    case away
    /// After a queue call, until the deadline, `endWrap`, `away` or `logout`.
    case wrap(WrapPeriod)
    /// On at least one connected or held call while logged in.
    case busy(BusyPeriod)

    /// The state's name as published in `acd.state`.
    public var kind: ACDStateKind {
        switch self {
        case .loggedOut: .loggedOut
        case .ready: .ready
        case .away: .away
        case .wrap: .wrap
        case .busy: .busy
        }
    }

    /// Whether the agent is on duty.
    public var isLoggedIn: Bool { self != .loggedOut }

    /// The running wrap period, if the agent is in wrap.
    public var wrapPeriod: WrapPeriod? {
        if case .wrap(let period) = self { return period }
        return nil
    }
}

/// The five ACD state names of the contract (`acd.state`, queue counts).
public enum ACDStateKind: String, Sendable, Codable, CaseIterable {
    case loggedOut
    case ready
    case away
    case wrap
    case busy
}

/// A running wrap-up period after a call from `queue`.
public struct WrapPeriod: Sendable, Equatable, Codable {
    /// The queue whose call started the wrap.
    public var queue: String
    /// When the wrap ends by itself. Absolute, so that a restored wrap resumes the time that remains.
    public var endsAt: Date
    /// The queue's full wrap time, which `extendWrap` starts again.
    public var seconds: Int

    /// Creates a wrap period.
    public init(queue: String, endsAt: Date, seconds: Int) {
        self.queue = queue
        self.endsAt = endsAt
        self.seconds = seconds
    }
}

/// What a busy agent returns to when her last call ends.
public struct BusyPeriod: Sendable, Equatable, Codable {
    /// The state she had before the call (changed by `ready`/`away` during the call).
    public var returnTo: ACDReturnState
    /// The wrap owed for a queue call that ended while another call was still up.
    public var pendingWrap: PendingWrap?

    /// Creates a busy period.
    public init(returnTo: ACDReturnState, pendingWrap: PendingWrap? = nil) {
        self.returnTo = returnTo
        self.pendingWrap = pendingWrap
    }
}

/// The logged-in states a call can interrupt.
public enum ACDReturnState: Sendable, Equatable, Codable {
    case ready
    case away
    /// A wrap that a call interrupted; it resumes if time remains when the call ends.
    case wrap(WrapPeriod)
}

/// A wrap owed for a queue call, started when the agent's last call ends.
public struct PendingWrap: Sendable, Equatable, Codable {
    /// The queue of the call that ended.
    public var queue: String
    /// The queue's wrap time.
    public var seconds: Int

    /// Creates a pending wrap.
    public init(queue: String, seconds: Int) {
        self.queue = queue
        self.seconds = seconds
    }
}
