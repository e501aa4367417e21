import CallModel
import Foundation

/// A call that is still up: the published call object and the legs (devices) it lives on.
public struct LiveCall: Sendable, Equatable, Codable {
    /// The published call object.
    public var call: AgentCall
    /// The devices the call is on; an ACD call rings on all of the agent's phones.
    public var legs: [CallLeg]

    /// Creates a live call.
    public init(call: AgentCall, legs: [CallLeg]) {
        self.call = call
        self.legs = legs
    }

    /// Recomputes the call's state and phone from its legs: a connected leg wins, then a held one.
    mutating func deriveStateFromLegs() {
        let preferred: [ConnectionState] = [.connected, .held, .alerting, .initiated]
        for state in preferred {
            if let leg = legs.first(where: { $0.state == state }) {
                call.state = state
                call.phone = leg.phone
                return
            }
        }
    }

    /// Whether any leg is connected or held.
    var hasActiveLeg: Bool { legs.contains { $0.state == .connected || $0.state == .held } }
}
