import CallModel

/// One line of baresip's `listcalls` output: `> [line 1]  0:00:07  ESTABLISHED  (on hold)  sip:b@host`.
struct BaresipCallLine: Sendable, Equatable {
    /// baresip's line number, usable with the `@<line>` command.
    var line: Int
    /// Whether this is baresip's current call, the one its commands act on (`>`).
    var isCurrent: Bool
    /// baresip's call state name (`INCOMING`, `OUTGOING`, `RINGING`, `EARLY`, `ESTABLISHED`, …).
    var state: String
    var onHold: Bool
    var peerURI: String

    /// The contract's connection state, or `nil` for states that are no live call (`TERMINATED`, `IDLE`).
    var connectionState: ConnectionState? {
        switch state {
        case "INCOMING": .alerting
        case "OUTGOING", "RINGING", "EARLY": .initiated
        case "ESTABLISHED": onHold ? .held : .connected
        default: nil
        }
    }

    /// The call's direction where the state tells it.
    var direction: CallDirection? {
        switch state {
        case "INCOMING": .inbound
        case "OUTGOING", "RINGING", "EARLY": .outbound
        default: nil
        }
    }
}

/// Parsers for the text baresip's menu commands print (baresip 1.0.0 formats).
enum BaresipTextOutput {
    /// The calls in a `listcalls` (`l`) answer; lines that do not look like a call are skipped.
    static func callLines(_ text: String) -> [BaresipCallLine] {
        text.split(whereSeparator: \.isNewline).compactMap { callLine(String($0)) }
    }

    static func callLine(_ raw: String) -> BaresipCallLine? {
        var rest = Substring(raw)
        let isCurrent = rest.first == ">"
        if isCurrent { rest = rest.dropFirst() }
        rest = rest.drop { $0 == " " }
        guard rest.hasPrefix("[line "), let close = rest.firstIndex(of: "]") else { return nil }
        guard let line = Int(rest[rest.index(rest.startIndex, offsetBy: 6)..<close]) else { return nil }
        rest = rest[rest.index(after: close)...]
        let onHold = rest.contains("(on hold)")
        if onHold { rest = Substring(rest.replacing("(on hold)", with: " ")) }
        // What is left: duration, state, peer URI, separated by runs of spaces.
        let fields = rest.split(separator: " ")
        guard fields.count == 3 else { return nil }
        return BaresipCallLine(
            line: line, isCurrent: isCurrent, state: String(fields[1]), onHold: onHold, peerURI: String(fields[2]))
    }

    /// The call id in a `callstat` (`c`) answer (` af=AF_INET id=3903aa5bdb77ecba`), `nil` when there is no call.
    static func currentCallID(_ text: String) -> String? {
        // Only the ` af=… id=…` line: the peer_uri line above it carries the caller's display name, which could
        // itself contain "id=".
        for line in text.split(whereSeparator: \.isNewline) where line.drop(while: { $0 == " " }).hasPrefix("af=") {
            guard let range = line.range(of: " id=") else { continue }
            let id = line[range.upperBound...].prefix { !$0.isWhitespace }
            return id.isEmpty ? nil : String(id)
        }
        return nil
    }

    /// The peer URI and direction in a `callstat` answer, to check the id belongs to the call we think.
    static func currentCallPeer(_ text: String) -> (peerURI: String, outgoing: Bool)? {
        var peer: String?
        var outgoing: Bool?
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("peer_uri:"), let open = trimmed.firstIndex(of: "<"),
                let close = trimmed.lastIndex(of: ">"), open < close
            {
                peer = String(trimmed[trimmed.index(after: open)..<close])
            } else if trimmed.hasPrefix("direction:") {
                outgoing = trimmed.hasSuffix("Outgoing")
            }
        }
        guard let peer, let outgoing else { return nil }
        return (peer, outgoing)
    }

    /// The number of accounts in a `reginfo` (`r`) answer (`--- User Agents (1) ---`).
    static func userAgentCount(_ text: String) -> Int? {
        guard let range = text.range(of: "--- User Agents (") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
