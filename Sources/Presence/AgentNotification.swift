import Foundation

/// The notification types published on `P/agents/{id}/events`.
public enum NotificationType: String, Sendable, Codable, CaseIterable {
    case callIncoming = "call.incoming"
    case callOutgoing = "call.outgoing"
    case callConnected = "call.connected"
    case callHeld = "call.held"
    case callResumed = "call.resumed"
    case callEnded = "call.ended"
    case callMissed = "call.missed"
    case wrapStarted = "acd.wrapStarted"
    case wrapEnded = "acd.wrapEnded"
    case phoneOffline = "phone.offline"
    case phoneOnline = "phone.online"
}

/// One notification object: `{"type","at","call"}` for calls, `phone` for phones, `queue`/`wrapEndsAt` for wrap.
public struct AgentNotification: Sendable, Equatable, Codable {
    /// What happened.
    public var type: NotificationType
    /// When it happened.
    public var at: Date
    /// The call, for `call.*` notifications.
    public var call: AgentCall?
    /// The phone, for `phone.*` notifications.
    public var phone: String?
    /// The queue, for `acd.*` notifications.
    public var queue: String?
    /// When the wrap ends, for `acd.wrapStarted`.
    public var wrapEndsAt: Date?

    /// Creates a notification.
    public init(
        type: NotificationType, at: Date, call: AgentCall? = nil, phone: String? = nil, queue: String? = nil,
        wrapEndsAt: Date? = nil
    ) {
        self.type = type
        self.at = at
        self.call = call
        self.phone = phone
        self.queue = queue
        self.wrapEndsAt = wrapEndsAt
    }
}
