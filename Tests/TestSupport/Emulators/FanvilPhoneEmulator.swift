import Foundation
import Synchronization

/// A fake Fanvil deskphone: the Active URI (`/cgi-bin/ConfigManApp.com?key=…`) with Basic authentication and
/// the Active URI limit-IP refusal, keypad-level call handling, and Action URL callbacks with Yealink-like
/// `$variables` (Fanvil's own list is not public; this emulates what the driver assumes).
///
/// Callbacks a key press causes are fired before the request is answered.
public final class FanvilPhoneEmulator: HTTPPhoneEmulator {
    public enum CallState: String, Sendable, Equatable { case ringing, dialing, talking, held }

    public struct Call: Sendable, Equatable {
        public var id: Int
        public var state: CallState
        public var remote: String
        public var displayRemote: String
    }

    public struct FiredCallback: Sendable, Equatable {
        public var event: String
        public var url: String
        public var status: Int?
    }

    private struct State: Sendable {
        var remoteControlAllowed = true
        var sendsCallID = true
        var requests: [ReceivedHTTPRequest] = []
        var pressedKeys: [String] = []
        var calls: [Call] = []
        var nextCallID = 1
        var typing: String?
        var transferring: String?
        var dials: [String] = []
        var transfers: [String] = []
        var actionURLs: [String: String] = [:]
        var fired: [FiredCallback] = []
    }

    /// Fanvil's web UI names of the Action URL events, as the phone's settings page shows them.
    public static let webNames: [String: String] = [
        "Incoming Call": "incoming_call", "Outgoing Call": "outgoing_call", "Call Established": "call_established",
        "Hold": "hold", "Unhold": "unhold", "Call Terminated": "call_terminated", "Missed Call": "missed_call",
        "DND On": "dnd_on", "DND Off": "dnd_off", "Setup Completed": "setup_completed", "Busy To Idle": "busy_to_idle",
    ]

    public let user: String
    public let password: String
    public let account = "2001"
    private let state = Mutex(State())
    public let webServer = RestartableHTTPServer(name: "FanvilPhoneEmulator", serverName: "FanvilPhoneEmulator")

    private init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// Starts a phone on 127.0.0.1.
    public static func start(user: String = "admin", password: String = "Fan-s3cret!") async throws -> FanvilPhoneEmulator {
        let phone = FanvilPhoneEmulator(user: user, password: password)
        try await phone.restart()
        return phone
    }

    /// Brings the phone (back) on the network, on the same port after ``stop()``.
    public func restart() async throws { try await webServer.start { request in await self.handle(request) } }

    /// The request targets (path and query) received, in order.
    public var targets: [String] { state.withLock { $0.requests.map(\.target) } }
    /// The `Authorization` header of each request received, in order.
    public var authorizations: [String?] { state.withLock { $0.requests.map(\.authorization) } }
    public var pressedKeys: [String] { state.withLock { $0.pressedKeys } }
    public var calls: [Call] { state.withLock { $0.calls } }
    public var dials: [String] { state.withLock { $0.dials } }
    public var transfers: [String] { state.withLock { $0.transfers } }
    public var firedCallbacks: [FiredCallback] { state.withLock { $0.fired } }

    /// Whether the bridge's address is in the Active URI limit list.
    public func setRemoteControlAllowed(_ allowed: Bool) { state.withLock { $0.remoteControlAllowed = allowed } }
    /// Whether the firmware knows `$call_id` (if not, it leaves the text unsubstituted).
    public func setSendsCallID(_ sends: Bool) { state.withLock { $0.sendsCallID = sends } }
    public func setActionURL(_ event: String, _ url: String) { state.withLock { $0.actionURLs[event] = url } }

    /// Reads the action URLs from the driver's provisioning: XML tags and the web-UI instruction comments.
    @discardableResult
    public func loadConfiguration(_ text: String) -> Int {
        var count = 0
        for line in text.split(separator: "\n") {
            if let start = line.range(of: "<!-- Action URL \""), let nameEnd = line[start.upperBound...].range(of: "\": ") {
                let webName = String(line[start.upperBound..<nameEnd.lowerBound])
                let url = line[nameEnd.upperBound...].replacingOccurrences(of: " -->", with: "")
                if let event = Self.webNames[webName] {
                    setActionURL(event, url)
                    count += 1
                }
            }
        }
        for (tag, event) in [("DNDOnUrl", "dnd_on"), ("DNDOffUrl", "dnd_off")] {
            if let open = text.range(of: "<\(tag)>"), let close = text.range(of: "</\(tag)>") {
                let url = text[open.upperBound..<close.lowerBound].replacingOccurrences(of: "&amp;", with: "&")
                setActionURL(event, url)
                count += 1
            }
        }
        return count
    }

    /// A call arrives and rings.
    @discardableResult
    public func ring(from remote: String, displayName: String = "") async -> Int {
        let call = state.withLock { state -> Call in
            let call = Call(id: state.nextCallID, state: .ringing, remote: remote, displayRemote: displayName)
            state.nextCallID += 1
            state.calls.append(call)
            return call
        }
        await fire("incoming_call", call: call)
        return call.id
    }

    /// The far end answers the outgoing call.
    public func remoteAnswers() async {
        guard let call = update(newest([.dialing]), { $0.state = .talking }) else { return }
        await fire("call_established", call: call)
    }

    /// The far end hangs up the newest call (a ringing one becomes missed).
    public func remoteHangsUp() async {
        guard let call = remove(newest([.talking, .held, .dialing, .ringing])) else { return }
        await fire(call.state == .ringing ? "missed_call" : "call_terminated", call: call)
    }

    /// Fires any event for the newest call.
    @discardableResult
    public func fire(_ event: String) async -> FiredCallback? {
        let call = newest([.talking, .held, .dialing, .ringing]).flatMap { id in state.withLock { $0.calls.first { $0.id == id } } }
        return await fire(event, call: call)
    }

    private func handle(_ request: ReceivedHTTPRequest) async -> HTTPReply {
        state.withLock { $0.requests.append(request) }
        guard request.authorization == basicAuthorization(user: user, password: password) else {
            return HTTPReply(status: 401, headers: [("WWW-Authenticate", "Basic realm=\"VoIP Phone\"")])
        }
        guard state.withLock({ $0.remoteControlAllowed }) else {
            return HTTPReply(status: 403, body: "Forbidden")
        }
        guard request.path == "/cgi-bin/ConfigManApp.com", let query = request.rawQuery, query.hasPrefix("key=") else {
            return HTTPReply(status: 404)
        }
        let value = YealinkPhoneEmulator.percentDecoded(String(query.dropFirst(4).prefix { $0 != "&" }))
        for key in value.split(separator: ";") { await press(String(key)) }
        return HTTPReply(status: 200, body: "OK")
    }

    private func press(_ key: String) async {
        state.withLock { $0.pressedKeys.append(key) }
        let typed: String? = key == "POUND" ? "#" : (key.allSatisfy { $0.isNumber || $0 == "*" } ? key : nil)
        if let typed {
            state.withLock { state in
                if state.transferring != nil {
                    state.transferring! += typed
                } else if state.typing != nil {
                    state.typing! += typed
                }
            }
            return
        }
        switch key {
        case "SPEAKER":
            state.withLock { $0.typing = "" }
        case "ENTER":
            guard let number = state.withLock({ state -> String? in
                defer { state.typing = nil }
                return state.typing
            }), !number.isEmpty else { return }
            let call = state.withLock { state -> Call in
                state.dials.append(number)
                let call = Call(id: state.nextCallID, state: .dialing, remote: number, displayRemote: "")
                state.nextCallID += 1
                state.calls.append(call)
                return call
            }
            await fire("outgoing_call", call: call)
        case "OK":
            if let call = update(newest([.ringing]), { $0.state = .talking }) { await fire("call_established", call: call) }
        case "RELEASE":
            if let call = remove(newest([.talking, .held, .dialing, .ringing])) { await fire("call_terminated", call: call) }
        case "F_HOLD":
            if let call = update(newest([.talking]), { $0.state = .held }) {
                await fire("hold", call: call)
            } else if let call = update(newest([.held]), { $0.state = .talking }) {
                await fire("unhold", call: call)
            }
        case "F_TRANSFER":
            let digits = state.withLock { state -> String? in
                defer { state.transferring = state.transferring == nil ? "" : nil }
                return state.transferring
            }
            if let digits, !digits.isEmpty, let call = remove(newest([.talking, .held])) {
                state.withLock { $0.transfers.append(digits) }
                await fire("call_terminated", call: call)
            }
        default:
            break
        }
    }

    private func newest(_ states: [CallState]) -> Int? {
        state.withLock { state in
            for wanted in states {
                if let call = state.calls.last(where: { $0.state == wanted }) { return call.id }
            }
            return nil
        }
    }

    private func update(_ id: Int?, _ change: (inout Call) -> Void) -> Call? {
        guard let id else { return nil }
        return state.withLock { state in
            guard let index = state.calls.firstIndex(where: { $0.id == id }) else { return nil }
            change(&state.calls[index])
            return state.calls[index]
        }
    }

    private func remove(_ id: Int?) -> Call? {
        guard let id else { return nil }
        return state.withLock { state in
            guard let index = state.calls.firstIndex(where: { $0.id == id }) else { return nil }
            return state.calls.remove(at: index)
        }
    }

    @discardableResult
    private func fire(_ event: String, call: Call?) async -> FiredCallback? {
        let (template, sendsCallID) = state.withLock { ($0.actionURLs[event], $0.sendsCallID) }
        guard let template else { return nil }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func encoded(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        var values: [(String, String)] = [
            ("$display_remote", encoded(call?.displayRemote ?? "")), ("$remote", encoded(call.map { "sip:\($0.remote)@pbx" } ?? "")),
            ("$active_user", account), ("$mac", "0c383e123456"),
        ]
        if sendsCallID { values.append(("$call_id", call.map { String($0.id) } ?? "")) }
        var url = template
        for (name, value) in values { url = url.replacingOccurrences(of: name, with: value) }
        let status = try? await YealinkCallbackSender.get(url, userAgent: "Fanvil X4U 2.12.1").status
        let fired = FiredCallback(event: event, url: url, status: status)
        state.withLock { $0.fired.append(fired) }
        return fired
    }
}
