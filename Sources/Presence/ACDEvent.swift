import Foundation

/// Something the ACD state machine did that the agent is told about (`acd.wrapStarted`, `acd.wrapEnded`).
public enum ACDEvent: Sendable, Equatable {
    /// A wrap period started (after a queue call).
    case wrapStarted(WrapPeriod)
    /// The wrap after a call from `queue` ended (timer, `endWrap`, `ready`, `away` or `logout`).
    case wrapEnded(queue: String)
}
