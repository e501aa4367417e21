import Foundation
import Synchronization

/// A Grandstream deskphone's CTI API on 127.0.0.1: `/cgi-bin/api-*?passcode=…`, JSON answers, two lines, and
/// action-URL callbacks fired like the phone fires them (before it answers the request that caused them).
///
/// Action URLs are loaded from the text a driver prints (``loadSettings(_:)``): `P8304`/`P8310` lines and the
/// `# <web UI field> = <url>` lines. The phone substitutes `$remote`, `$display_remote`, `$local`, `$active_user`.
/// Besides the documented operations it implements the unconfirmed `cmd=unhold` and the keys `HOLD`,
/// `TRANSFER`…`SEND` and a DND key, so the driver's configurable variants can be exercised.
public final class GrandstreamPhoneEmulator: HTTPPhoneEmulator {
    /// One line of the phone.
    public struct Line: Sendable, Equatable {
        public var line: Int
        /// `idle`, `dialing`, `ringing`, `connected` or `onhold`.
        public var state: String
        public var remoteNumber: String
        public var remoteName: String
        public var inbound: Bool
    }

    private struct State {
        var lines: [Line] = [1, 2].map { Line(line: $0, state: "idle", remoteNumber: "", remoteName: "", inbound: false) }
        var doNotDisturb = false
        var actionURLs: [String: String] = [:]
        var requests: [ReceivedHTTPRequest] = []
        var fired: [String] = []
        var transferDigits: String?
        var lastTransferTarget: String?
        var lastKeys: [String] = []
    }

    /// The phone's own number (`$local`, `$active_user`).
    public let local: String
    private let passcode: String
    private let dndKey: String
    private let state = Mutex(State())
    public let webServer = RestartableHTTPServer(name: "GrandstreamPhoneEmulator")

    /// Creates a phone accepting `passcode`; `dndKey` is the key the installer set to DND.
    public init(passcode: String, local: String = "100", dndKey: String = "MPK3") {
        self.passcode = passcode
        self.local = local
        self.dndKey = dndKey
    }

    /// Every request received, in order (targets with the passcode).
    public var requests: [ReceivedHTTPRequest] { state.withLock { $0.requests } }
    /// The targets with the passcode value replaced by `P`, for exact comparisons.
    public var ctiTargets: [String] {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = passcode.addingPercentEncoding(withAllowedCharacters: unreserved) ?? passcode
        return requests.map {
            $0.target.replacingOccurrences(of: "=" + encoded + "&", with: "=P&")
                .replacingOccurrences(of: "=" + encoded, with: "=P", options: .anchored.union(.backwards))
        }
    }
    public var firedURLs: [String] { state.withLock { $0.fired } }
    public var lines: [Line] { state.withLock { $0.lines } }
    public var doNotDisturb: Bool { state.withLock { $0.doNotDisturb } }
    public var lastTransferTarget: String? { state.withLock { $0.lastTransferTarget } }

    /// Loads the action URLs from a driver's provisioning text.
    public func loadSettings(_ text: String) {
        let pValueEvents = ["P8304": "Setup Completed", "P8310": "Incoming Call"]
        var urls: [String: String] = [:]
        for line in text.split(separator: "\n") {
            var entry = line.trimmingCharacters(in: .whitespaces)
            if entry.hasPrefix("#") { entry = String(entry.dropFirst()).trimmingCharacters(in: .whitespaces) }
            guard let separator = entry.range(of: " = "), entry[separator.upperBound...].hasPrefix("http") else { continue }
            let label = String(entry[..<separator.lowerBound])
            urls[pValueEvents[label] ?? label] = String(entry[separator.upperBound...])
        }
        state.withLock { $0.actionURLs = urls }
    }

    // MARK: Server life

    /// Starts listening: on a new port the first time, on the same port after ``stop()``.
    public func start() async throws {
        try await webServer.start { request in await self.handle(request) }
    }

    // MARK: The outside world

    /// A call from `number` rings on the first idle line; `fireCallback: false` rings without telling anyone.
    public func ringIncoming(from number: String, name: String = "", fireCallback: Bool = true) async {
        let line = state.withLock { state -> Line? in
            guard let index = state.lines.firstIndex(where: { $0.state == "idle" }) else { return nil }
            state.lines[index] = Line(line: index + 1, state: "ringing", remoteNumber: number, remoteName: name, inbound: true)
            return state.lines[index]
        }
        if let line, fireCallback { await fire("Incoming Call", line) }
    }

    /// The far end of the dialing line answers.
    public func remoteAnswers() async {
        let line = state.withLock { state -> Line? in
            guard let index = state.lines.firstIndex(where: { $0.state == "dialing" }) else { return nil }
            state.lines[index].state = "connected"
            return state.lines[index]
        }
        if let line { await fire("Established Call", line) }
    }

    /// The far end of the busy line hangs up; a ringing call becomes missed.
    public func remoteHangsUp() async {
        let line = state.withLock { state -> Line? in
            guard let index = state.lines.firstIndex(where: { $0.state != "idle" }) else { return nil }
            defer { state.lines[index].state = "idle" }
            return state.lines[index]
        }
        guard let line else { return }
        await fire(line.state == "ringing" ? "Missed Call" : "Terminated Call", line)
    }

    // MARK: CTI

    /// Records every request, checks the passcode, then serves `/cgi-bin/api-*`.
    private func handle(_ request: ReceivedHTTPRequest) async -> HTTPReply {
        state.withLock { $0.requests.append(request) }
        guard request.path.hasPrefix("/cgi-bin/") else { return HTTPReply(status: 404) }
        let function = request.path.dropFirst("/cgi-bin/".count)
        let query = QueryItems.split(request.rawQuery ?? "")
        let presented = query.first { $0.name == "passcode" || $0.name == "password" }?.value
        guard presented == passcode else { return Self.json(#"{"response":"error","body":"failed"}"#) }
        switch function {
        case "api-get_line_status":
            let lines = state.withLock { $0.lines }.map { line in
                #"{"line":\#(line.line),"state":"\#(line.state)","acct":"","remotename":"\#(line.remoteName)","remotenumber":"\#(line.remoteNumber)","active":\#(line.state == "idle" ? 0 : 1)}"#
            }
            return Self.json(#"{"response":"success","body":[\#(lines.joined(separator: ","))]}"#)
        case "api-make_call":
            guard let number = query.first(where: { $0.name == "phonenumber" })?.value, !number.isEmpty else {
                return Self.json(#"{"response":"error","body":false}"#)
            }
            let line = state.withLock { state -> Line? in
                guard let index = state.lines.firstIndex(where: { $0.state == "idle" }) else { return nil }
                state.lines[index] = Line(line: index + 1, state: "dialing", remoteNumber: number, remoteName: "", inbound: false)
                return state.lines[index]
            }
            guard let line else { return Self.json(#"{"response":"error","body":false}"#) }
            await fire("Outgoing Call", line)
            return Self.json(#"{"response":"success","body":true}"#)
        case "api-phone_operation":
            let accepted = await operate(query.first { $0.name == "cmd" }?.value ?? "")
            return Self.json(accepted ? #"{"response":"success","body":true}"# : #"{"response":"error","body":false}"#)
        case "api-send_key":
            let keys = (query.first { $0.name == "keys" }?.value ?? "").split(separator: ":").map(String.init)
            state.withLock { $0.lastKeys = keys }
            for key in keys { await press(key) }
            return Self.json(#"{"response":"success","body":"complete"}"#)
        default:
            return HTTPReply(status: 404)
        }
    }

    /// `acceptcall`, `endcall`, `rejectcall`, `cancel`, `holdcall` (documented) and `unhold` (assumed).
    private func operate(_ command: String) async -> Bool {
        let transitions: [String: (from: String, to: String, event: String)] = [
            "acceptcall": ("ringing", "connected", "Established Call"),
            "endcall": ("connected", "idle", "Terminated Call"),
            "rejectcall": ("ringing", "idle", "Terminated Call"),
            "cancel": ("dialing", "idle", "Terminated Call"),
            "holdcall": ("connected", "onhold", "Hold Call"),
            "unhold": ("onhold", "connected", "UnHold Call"),
        ]
        guard var transition = transitions[command] else { return false }
        var line = state.withLock { state -> Line? in
            guard let index = state.lines.firstIndex(where: { $0.state == transition.from }) else { return nil }
            defer { state.lines[index].state = transition.to }
            return state.lines[index]
        }
        if line == nil, command == "endcall" {
            // Ending a held call works too.
            transition = ("onhold", "idle", "Terminated Call")
            line = state.withLock { state -> Line? in
                guard let index = state.lines.firstIndex(where: { $0.state == "onhold" }) else { return nil }
                defer { state.lines[index].state = "idle" }
                return state.lines[index]
            }
        }
        guard let line else { return false }
        await fire(transition.event, line)
        return true
    }

    private func press(_ key: String) async {
        switch key {
        case dndKey:
            let on = state.withLock { state -> Bool? in
                state.doNotDisturb.toggle()
                return state.doNotDisturb
            } ?? false
            await fire(on ? "DND On" : "DND Off", nil)
        case "HOLD":
            let toggled = state.withLock { state -> (Line, Bool)? in
                guard let index = state.lines.firstIndex(where: { $0.state == "connected" || $0.state == "onhold" }) else {
                    return nil
                }
                state.lines[index].state = state.lines[index].state == "onhold" ? "connected" : "onhold"
                return (state.lines[index], state.lines[index].state == "onhold")
            }
            if let (line, held) = toggled { await fire(held ? "Hold Call" : "UnHold Call", line) }
        case "TRANSFER":
            state.withLock { $0.transferDigits = "" }
        case "SEND", "OK":
            let line = state.withLock { state -> Line? in
                guard let digits = state.transferDigits,
                    let index = state.lines.firstIndex(where: { $0.state == "connected" || $0.state == "onhold" })
                else { return nil }
                state.lastTransferTarget = digits
                state.transferDigits = nil
                defer { state.lines[index].state = "idle" }
                return state.lines[index]
            }
            if let line { await fire("Blind Transfer", line) }
        default:
            let digit = ["STAR": "*", "POUND": "#"][key] ?? key
            if digit.count == 1, "0123456789*#".contains(digit) {
                state.withLock { state in state.transferDigits = state.transferDigits.map { $0 + digit } }
            }
        }
    }

    // MARK: Callbacks

    private func fire(_ event: String, _ line: Line?) async {
        guard let template = state.withLock({ $0.actionURLs[event] }) else { return }
        let url = ActionURL.fill(
            template,
            [
                ("$display_remote", line?.remoteName ?? ""), ("$remote", line?.remoteNumber ?? ""),
                ("$display_local", ""), ("$local", local), ("$active_user", local),
            ])
        state.withLock { $0.fired.append(url) }
        await ActionURL.call(url)
    }

    // MARK: Helpers

    private static func json(_ text: String) -> HTTPReply {
        HTTPReply(status: 200, headers: [("Content-Type", "application/json")], body: text)
    }
}
