import CallModel
import Foundation

/// One call as one phone knows it: the device and the vendor's call id, which phone commands target.
public struct CallLeg: Sendable, Equatable, Codable, Hashable {
    /// The phone id.
    public var phone: String
    /// The vendor's id for the call on that phone.
    public var vendorCall: PhoneCallID
    /// The leg's connection state at that phone.
    public var state: ConnectionState
    /// When the phone last told anything about this leg (for `maxRingSeconds`).
    public var lastNewsAt: Date

    /// Creates a leg.
    public init(phone: String, vendorCall: PhoneCallID, state: ConnectionState, lastNewsAt: Date) {
        self.phone = phone
        self.vendorCall = vendorCall
        self.state = state
        self.lastNewsAt = lastNewsAt
    }
}
