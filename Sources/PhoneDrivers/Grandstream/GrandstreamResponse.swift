import CallModel
import Foundation

/// A Grandstream CTI answer: `{"response":"success"|"error","body":…}` (reference §6.1).
struct GrandstreamResponse: Sendable, Equatable {
    /// The `body` member, as far as the driver needs to tell its shapes apart.
    enum Body: Sendable, Equatable {
        case bool(Bool)
        case text(String)
        case lines([GrandstreamLineStatus])
        case other
    }

    var success: Bool
    var body: Body

    /// Parses a response body; `nil` when it is not the CTI JSON envelope.
    init?(json bytes: [UInt8]) {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(bytes)) else { return nil }
        success = envelope.response == "success"
        body = envelope.body
    }

    private struct Envelope: Decodable {
        var response: String
        var body: Body

        enum CodingKeys: String, CodingKey { case response, body }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            response = try container.decode(String.self, forKey: .response)
            if let flag = try? container.decode(Bool.self, forKey: .body) {
                body = .bool(flag)
            } else if let text = try? container.decode(String.self, forKey: .body) {
                body = .text(text)
            } else if let lines = try? container.decode([GrandstreamLineStatus].self, forKey: .body) {
                body = .lines(lines)
            } else {
                body = .other
            }
        }
    }
}

/// One entry of `api-get_line_status`: `{"line":1,"state":"connected","acct":"","remotename":"","remotenumber":"",…}`.
struct GrandstreamLineStatus: Sendable, Equatable, Decodable {
    var line: Int
    var state: String
    var remoteName: String?
    var remoteNumber: String?

    enum CodingKeys: String, CodingKey {
        case line, state
        case remoteName = "remotename"
        case remoteNumber = "remotenumber"
    }

    init(line: Int, state: String, remoteName: String?, remoteNumber: String?) {
        self.line = line
        self.state = state
        self.remoteName = remoteName
        self.remoteNumber = remoteNumber
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Firmware writes numbers either as JSON numbers or as strings.
        if let number = try? container.decode(Int.self, forKey: .line) {
            line = number
        } else {
            guard let number = Int(try container.decode(String.self, forKey: .line)) else {
                throw DecodingError.dataCorruptedError(forKey: .line, in: container, debugDescription: "line")
            }
            line = number
        }
        state = try container.decode(String.self, forKey: .state).lowercased()
        remoteName = try? container.decodeIfPresent(String.self, forKey: .remoteName)
        remoteNumber = try? container.decodeIfPresent(String.self, forKey: .remoteNumber)
    }

    /// The local connection state for the line's `state` (idle and unknown states are no call).
    ///
    /// `idle` is documented; `dialing`, `ringing`, `connected`, `onhold` are seen in code; the rest follows the
    /// GXP2200 state names (`calling`, `ringback`, `transfered`, `ending`, `failed`, `conference`).
    var connectionState: ConnectionState? {
        switch state {
        case "dialing", "calling", "ringback": .initiated
        case "ringing": .alerting
        case "connected", "conference", "active", "talking": .connected
        case "onhold", "hold", "held": .held
        default: nil
        }
    }

    /// Who started the call, where the state tells.
    var direction: CallDirection? {
        switch state {
        case "ringing": .inbound
        case "dialing", "calling", "ringback": .outbound
        default: nil
        }
    }
}
