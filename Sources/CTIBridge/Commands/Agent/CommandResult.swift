import Presence

/// A failed command: the contract's error code, a message a person can act on, and the request it answers.
struct CommandFailure: Error, Sendable, Equatable {
    var code: AgentErrorCode
    var message: String
    var requestID: String?

    init(_ code: AgentErrorCode, _ message: String, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    /// The HTTP status the contract gives this code (section 5).
    var httpStatus: Int {
        switch code {
        case .badRequest, .invalidNumber: 400
        case .unauthorized: 401
        case .unknownAgent: 404
        case .invalidState, .noCall: 409
        case .notSupported: 422
        case .phoneRejected: 502
        case .phoneUnreachable: 504
        case .expired: 410
        }
    }
}

/// The result of a command (contract section 3), as published on MQTT and returned over HTTP.
struct CommandResult: Sendable, Equatable, Encodable {
    var requestID: String?
    var ok: Bool
    var callID: String?
    var changes: [String]?
    var error: ErrorBody?

    struct ErrorBody: Sendable, Equatable, Encodable {
        var code: String
        var message: String
    }

    static func success(requestID: String?, callID: String? = nil, changes: [String]? = nil) -> CommandResult {
        CommandResult(requestID: requestID, ok: true, callID: callID, changes: changes, error: nil)
    }

    static func failure(_ failure: CommandFailure) -> CommandResult {
        CommandResult(
            requestID: failure.requestID, ok: false, callID: nil, changes: nil,
            error: ErrorBody(code: failure.code.rawValue, message: failure.message))
    }

    var httpStatus: Int {
        guard let error, let code = AgentErrorCode(rawValue: error.code) else { return 200 }
        return CommandFailure(code, error.message).httpStatus
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "requestId"
        case ok
        case callID = "callId"
        case changes
        case error
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestID, forKey: .requestID)
        try container.encode(ok, forKey: .ok)
        if ok {
            try container.encodeIfPresent(callID, forKey: .callID)
            try container.encodeIfPresent(changes, forKey: .changes)
        } else {
            try container.encode(error, forKey: .error)
        }
    }
}
