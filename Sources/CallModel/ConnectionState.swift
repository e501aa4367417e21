/// The CSTA local connection state of one call at one device, as published in the contract's call object.
public enum ConnectionState: String, Sendable, Codable, CaseIterable {
    /// The device is originating: off-hook or dialling, the network not yet reached.
    case initiated
    /// The device is being alerted (ringing).
    case alerting
    /// The device takes part in the call (also the caller once the call is originated).
    case connected
    /// The device holds the call.
    case held
    /// The call has ended at this device.
    case cleared
    /// The call attempt failed (busy, invalid number, rejected).
    case failed

    /// Whether the call still exists at the device.
    public var isLive: Bool {
        switch self {
        case .initiated, .alerting, .connected, .held: true
        case .cleared, .failed: false
        }
    }
}
