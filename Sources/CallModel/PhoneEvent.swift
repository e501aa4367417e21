import Foundation

/// One normalised, vendor-neutral event from a phone: what every driver turns its vendor's callbacks into.
///
/// The vocabulary follows CSTA (ECMA-269): `delivered` is a call alerting at the device, `serviceInitiated` an
/// outbound call starting, `established` a call connected, and so on. Device-level events (DND, forwarding,
/// reboot) share the same stream so that one consumer sees a phone's whole story in order.
public struct PhoneEvent: Sendable, Equatable {
    /// The configured id of the phone the event came from.
    public var phoneID: String
    /// When the bridge received or derived the event.
    public var at: Date
    /// What happened.
    public var kind: Kind

    /// Creates an event.
    public init(phoneID: String, at: Date, kind: Kind) {
        self.phoneID = phoneID
        self.at = at
        self.kind = kind
    }

    /// The CSTA-style events a phone can report.
    public enum Kind: Sendable, Equatable {
        /// An inbound call is alerting (ringing) at the device. `dialled` is the number the caller dialled,
        /// when the phone reports it (used to recognise queue numbers).
        case delivered(call: PhoneCallID, remote: CallParty, dialled: String?)
        /// The device started an outbound call to `remote` (CSTA ServiceInitiated/Originated).
        case serviceInitiated(call: PhoneCallID, remote: CallParty)
        /// The far end of an outbound call is ringing.
        case remoteAlerting(call: PhoneCallID)
        /// The call is connected at the device.
        case established(call: PhoneCallID, remote: CallParty?)
        /// The device put the call on hold.
        case held(call: PhoneCallID)
        /// The device took the call off hold.
        case retrieved(call: PhoneCallID)
        /// The call ended at the device.
        case connectionCleared(call: PhoneCallID, cause: ClearCause)
        /// The device transferred the call away to `target`; the call no longer lives on the device.
        case transferred(call: PhoneCallID, target: String?)
        /// The call was diverted (forwarded or deflected) to `target` before it was answered.
        case diverted(call: PhoneCallID, target: String?)
        /// The phone's do-not-disturb changed.
        case doNotDisturb(on: Bool)
        /// The phone's call forwarding changed (`nil` means off).
        case forwarding(target: String?)
        /// The phone restarted: every call it had is gone.
        case rebooted
        /// The phone says it has no call at all (Yealink's `busy_to_idle`, a Snom on-hook with no ongoing call).
        /// A call-ending callback may still be on its way, so consumers give it a moment before ending the calls
        /// the phone no longer has.
        case idle
    }

    /// The call the event is about, if it is a call event.
    public var callID: PhoneCallID? {
        switch kind {
        case .delivered(let call, _, _), .serviceInitiated(let call, _), .remoteAlerting(let call),
            .established(let call, _), .held(let call), .retrieved(let call), .connectionCleared(let call, _),
            .transferred(let call, _), .diverted(let call, _):
            call
        case .doNotDisturb, .forwarding, .rebooted, .idle:
            nil
        }
    }
}
