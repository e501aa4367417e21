import CallModel

/// What a driver needs to write the settings an installer puts on a phone (`ctibridge phone-config`).
public struct PhoneProvisioning: Sendable {
    /// The phone's event ingress as the phone must call it: `<publicUrl>/phones/<id>/events`.
    public var eventBaseURL: String
    /// The phone's event token, to put in its callback URLs.
    public var eventToken: String
    /// The bridge's address as phones see it (host of `publicUrl`), for trusted-IP lists.
    public var bridgeHost: String

    public init(eventBaseURL: String, eventToken: String, bridgeHost: String) {
        self.eventBaseURL = eventBaseURL
        self.eventToken = eventToken
        self.bridgeHost = bridgeHost
    }
}

/// One call as a phone reports it when asked for its calls (for reconciliation of lost events).
public struct PhoneCallSnapshot: Sendable, Equatable {
    public var call: PhoneCallID
    public var state: ConnectionState
    public var direction: CallDirection?
    public var remote: CallParty?

    public init(call: PhoneCallID, state: ConnectionState, direction: CallDirection? = nil, remote: CallParty? = nil) {
        self.call = call
        self.state = state
        self.direction = direction
        self.remote = remote
    }
}
