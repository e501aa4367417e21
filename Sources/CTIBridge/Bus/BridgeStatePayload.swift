import Foundation

/// `P/bridge/state`: whether this bridge instance is alive. The broker's will sets `offline` if it dies.
struct BridgeStatePayload: Codable, Equatable, Sendable {
    enum State: String, Codable, Sendable {
        case online
        case offline
    }

    var state: State
    var id: String
    var version: String
    var startedAt: Date
}
