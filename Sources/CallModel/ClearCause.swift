/// Why a call ended, as published in the contract's call object.
public enum ClearCause: String, Sendable, Codable, CaseIterable {
    /// Ended by either party after it was connected, or a normal outbound cancel.
    case normal
    /// An inbound call that stopped ringing without being answered.
    case missed
    /// The far end was busy.
    case busy
    /// The call was refused (by the callee, by DND, or declined on the phone).
    case rejected
    /// The call failed for a technical reason, or the bridge ended it because the phone no longer has it.
    case failed
}
