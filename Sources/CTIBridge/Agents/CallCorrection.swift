import CallModel
import Foundation
import Logging
import Metrics
import PhoneDrivers

/// Why the bridge corrected what it believed about a call without the phone reporting it.
enum CorrectionReason: String, Sendable {
    /// The phone, asked for its calls, no longer has it (a lost hangup callback).
    case gone
    /// The phone, asked for its calls, has one the bridge never heard of (a lost start callback).
    case discovered
    /// The phone rebooted; every call it had is gone.
    case rebooted
    /// The phone stopped answering its health probes.
    case offline
    /// The phone reported it had no call left, and the call's own clearing callback never came.
    case idle
    /// A ringing call had no news for the phone's `maxRingSeconds`.
    case ringTimeout
    /// At start, a retained call topic the store does not hold: left by a bridge that died.
    case staleRetained
}

/// Counts every correction in `ctibridge_reconciled_calls_total{driver,reason}` and logs it once.
struct CorrectionRecorder: Sendable {
    let logger: Logger

    func record(_ reason: CorrectionReason, driver: String, phone: String?, call: String) {
        Counter(label: "ctibridge_reconciled_calls_total", dimensions: [("driver", driver), ("reason", reason.rawValue)])
            .increment()
        logger.info(
            "call corrected",
            metadata: ["reason": "\(reason.rawValue)", "phone.id": "\(phone ?? "")", "call.id": "\(call)", "driver": "\(driver)"])
    }
}

/// What one reconciliation with a phone changed, in bridge call ids.
struct ReconcileOutcome: Sendable, Equatable {
    var ended: [String] = []
    var created: [String] = []

    /// The command result's `changes`: `ended <callId>` and `created <callId>`.
    var changes: [String] { ended.map { "ended \($0)" } + created.map { "created \($0)" } }

    static func + (lhs: Self, rhs: Self) -> Self {
        ReconcileOutcome(ended: lhs.ended + rhs.ended, created: lhs.created + rhs.created)
    }
}

extension PhoneCallSnapshot {
    /// The events that tell the desk about a call the phone has and the desk missed, in order.
    var discoveryEvents: [PhoneEvent.Kind] {
        let party = remote ?? CallParty(address: nil)
        switch state {
        case .initiated:
            return [.serviceInitiated(call: call, remote: party)]
        case .alerting:
            return direction == .outbound
                ? [.serviceInitiated(call: call, remote: party)]
                : [.delivered(call: call, remote: party, dialled: nil)]
        case .connected:
            return [.established(call: call, remote: remote)]
        case .held:
            return [.established(call: call, remote: remote), .held(call: call)]
        case .cleared, .failed:
            return []
        }
    }
}
