import CallModel
import Foundation
import Presence

/// One agent command as consumers send it (contract section 3), decoded and validated.
///
/// Decoding is strict: unknown actions, unknown fields, missing fields and wrong types are `badRequest`, dial
/// targets that are not valid numbers are `invalidNumber`, so nothing malformed gets near a phone.
struct CommandRequest: Sendable, Equatable {
    var requestID: String?
    var action: CommandAction
    /// After this the command is answered `expired` instead of acted on: a command that waited in the broker
    /// while the bridge was away must not ring a phone minutes later.
    var expiresAt: Date? = nil

    /// The largest command body accepted, over MQTT and HTTP.
    static let maximumBytes = 16 * 1024
    static let maximumRequestIDLength = 128

    /// Decodes a JSON body. The `requestId` is recovered even when the rest is invalid, so the error result can
    /// carry it back to the sender.
    static func decode(_ bytes: [UInt8]) -> Result<CommandRequest, CommandFailure> {
        guard bytes.count <= maximumBytes else {
            return .failure(CommandFailure(.badRequest, "the command is larger than \(maximumBytes) bytes"))
        }
        let object: [String: JSONValue]
        do {
            guard case .object(let parsed) = try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
                return .failure(CommandFailure(.badRequest, "the command must be a JSON object"))
            }
            object = parsed
        } catch {
            return .failure(CommandFailure(.badRequest, "the command is not valid JSON"))
        }
        var fields = CommandFields(object)
        let requestID: String?
        do {
            requestID = try fields.optionalString("requestId", maximumLength: maximumRequestIDLength)
        } catch {
            return .failure(error)
        }
        do {
            let action = try CommandAction.decode(&fields)
            let expiresAt = try fields.optionalTimestamp("expiresAt")
            try fields.refuseUnread()
            return .success(CommandRequest(requestID: requestID, action: action, expiresAt: expiresAt))
        } catch {
            var failure = error
            failure.requestID = requestID
            return .failure(failure)
        }
    }
}

/// What a command asks for.
enum CommandAction: Sendable, Equatable {
    case dial(to: DialString, phone: String?)
    case answer(callID: String?)
    case hangup(callID: String?)
    case hold(callID: String?)
    case resume(callID: String?)
    case transfer(to: DialString, callID: String?)
    case agent(AgentCommand)
    case resync

    /// The contract's action names, for messages and the OpenAPI document.
    static let names = [
        "dial", "answer", "hangup", "hold", "resume", "transfer", "dnd", "forward", "login", "logout", "ready", "away",
        "endWrap", "extendWrap", "queue", "presence", "mode", "favorite", "resync",
    ]

    static func decode(_ fields: inout CommandFields) throws(CommandFailure) -> CommandAction {
        let action = try fields.requiredString("action")
        switch action {
        case "dial":
            return .dial(to: try fields.dialString("to"), phone: try fields.optionalString("phone", maximumLength: 64))
        case "answer": return .answer(callID: try fields.optionalString("callId", maximumLength: 128))
        case "hangup": return .hangup(callID: try fields.optionalString("callId", maximumLength: 128))
        case "hold": return .hold(callID: try fields.optionalString("callId", maximumLength: 128))
        case "resume": return .resume(callID: try fields.optionalString("callId", maximumLength: 128))
        case "transfer":
            return .transfer(to: try fields.dialString("to"), callID: try fields.optionalString("callId", maximumLength: 128))
        case "dnd": return .agent(.dnd(on: try fields.requiredBool("on")))
        case "forward":
            let target = try fields.nullableString("to", maximumLength: 128)
            if let target {
                do {
                    _ = try DialString(validating: target)
                } catch {
                    throw CommandFailure(.invalidNumber, "to: \(error.description)")
                }
            }
            return .agent(.forward(to: target))
        case "login": return .agent(.login)
        case "logout": return .agent(.logout)
        case "ready": return .agent(.ready)
        case "away": return .agent(.away)
        case "endWrap": return .agent(.endWrap)
        case "extendWrap": return .agent(.extendWrap)
        case "queue":
            return .agent(.queue(try fields.requiredString("queue"), enabled: try fields.requiredBool("enabled")))
        case "presence":
            return .agent(
                .presence(try fields.requiredString("id"), message: try fields.nullableString("message", maximumLength: 1000)))
        case "mode":
            let mode = try fields.requiredString("mode")
            guard let parsed = AgentMode(rawValue: mode) else {
                throw CommandFailure(.badRequest, "mode must be deskphone or softphone")
            }
            return .agent(.mode(parsed))
        case "favorite":
            return .agent(.favorite(contact: try fields.requiredString("contact"), on: try fields.requiredBool("on")))
        case "resync": return .resync
        default:
            throw CommandFailure(.badRequest, "unknown action \"\(action.prefix(40))\" (known: \(names.joined(separator: ", ")))")
        }
    }
}

/// Typed reads of a command's JSON fields that remember which were read, so leftovers can be refused.
struct CommandFields {
    private let object: [String: JSONValue]
    private var read: Set<String> = []

    init(_ object: [String: JSONValue]) {
        self.object = object
    }

    mutating func requiredString(_ key: String) throws(CommandFailure) -> String {
        guard let value = try optionalString(key, maximumLength: 200) else {
            throw CommandFailure(.badRequest, "missing field \"\(key)\"")
        }
        return value
    }

    mutating func optionalString(_ key: String, maximumLength: Int) throws(CommandFailure) -> String? {
        read.insert(key)
        guard let value = object[key] else { return nil }
        guard case .string(let string) = value else {
            throw CommandFailure(.badRequest, "field \"\(key)\" must be a string")
        }
        guard string.count <= maximumLength else {
            throw CommandFailure(.badRequest, "field \"\(key)\" is longer than \(maximumLength) characters")
        }
        return string
    }

    /// An RFC 3339 time, e.g. `2026-11-26T20:15:00.000Z`.
    mutating func optionalTimestamp(_ key: String) throws(CommandFailure) -> Date? {
        guard let text = try optionalString(key, maximumLength: 64) else { return nil }
        guard let date = JSONCoding.parseTimestamp(text) else {
            throw CommandFailure(.badRequest, "field \"\(key)\" must be an RFC 3339 time such as 2026-11-26T20:15:00Z")
        }
        return date
    }

    /// A string that may be given as `null` (e.g. `forward` with `to: null` cancels).
    mutating func nullableString(_ key: String, maximumLength: Int) throws(CommandFailure) -> String? {
        if object[key] == .null {
            read.insert(key)
            return nil
        }
        return try optionalString(key, maximumLength: maximumLength)
    }

    mutating func requiredBool(_ key: String) throws(CommandFailure) -> Bool {
        read.insert(key)
        guard let value = object[key] else { throw CommandFailure(.badRequest, "missing field \"\(key)\"") }
        guard case .bool(let bool) = value else {
            throw CommandFailure(.badRequest, "field \"\(key)\" must be true or false")
        }
        return bool
    }

    mutating func dialString(_ key: String) throws(CommandFailure) -> DialString {
        let text = try requiredString(key)
        do {
            return try DialString(validating: text)
        } catch {
            throw CommandFailure(.invalidNumber, "\(key): \(error.description)")
        }
    }

    func refuseUnread() throws(CommandFailure) {
        let extra = Set(object.keys).subtracting(read).subtracting(["requestId"])
        if let first = extra.sorted().first {
            throw CommandFailure(.badRequest, "unknown field \"\(first.prefix(40))\" for this action")
        }
    }
}
