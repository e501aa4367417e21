/// The agent commands that drive the ACD state machine.
public enum ACDCommand: String, Sendable, Equatable, CaseIterable {
    case login
    case logout
    case ready
    case away
    case endWrap
    case extendWrap
}
