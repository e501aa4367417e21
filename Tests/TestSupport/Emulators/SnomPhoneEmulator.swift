import Foundation
import Synchronization

/// A Snom deskphone's web server on 127.0.0.1: `command.htm` remote control, Basic or Digest login, a small call
/// state, and action-URL callbacks fired the way the phone fires them.
///
/// Action URLs are loaded from the settings file a driver prints (``loadSettings(_:)``); the phone substitutes
/// `$call-id`, `$remote`, `$display_remote`, `$local` and `$cancel_reason` and calls the URL with GET before it
/// answers the request that caused the event, so a test sees the events as soon as the command returns.
public final class SnomPhoneEmulator: HTTPPhoneEmulator {
    /// How the web server checks logins (the phone's `http_scheme`).
    public enum Login: Sendable {
        /// No `http_user` set.
        case none
        /// `http_scheme` off.
        case basic(user: String, password: String)
        /// `http_scheme` on.
        case digest(user: String, password: String)
    }

    /// One call on the phone.
    public struct Call: Sendable, Equatable {
        /// The phone's `$call-id`.
        public var id: String
        /// `true` for inbound calls.
        public var inbound: Bool
        /// `ringing`, `dialing`, `connected` or `held`.
        public var state: String
        /// The far end's SIP URI.
        public var remote: String
        /// The far end's display name.
        public var displayRemote: String
    }

    private struct State {
        var calls: [Call] = []
        var doNotDisturb = false
        var nextCall = 1
        var actionURLs: [String: String] = [:]
        var requests: [ReceivedHTTPRequest] = []
        var fired: [String] = []
        var transferDigits: String?
        var lastTransferTarget: String?
        var hasRemoteControl = true
    }

    /// The phone's own SIP identity (`$local`).
    public let local: String
    private let login: WebLogin
    private let state = Mutex(State())
    public let webServer = RestartableHTTPServer(name: "SnomPhoneEmulator", serverName: "snom embedded")

    /// Creates a phone; call ``start()`` to listen.
    public init(login: Login, local: String = "sip:100@pbx.example.test") {
        self.login =
            switch login {
            case .none: WebLogin(scheme: .none, user: "", password: "", realm: "snom")
            case .basic(let user, let password): WebLogin(scheme: .basic, user: user, password: password, realm: "snom")
            case .digest(let user, let password): WebLogin(scheme: .digest, user: user, password: password, realm: "snom")
            }
        self.local = local
    }

    /// Every request received, in order.
    public var requests: [ReceivedHTTPRequest] { state.withLock { $0.requests } }
    /// The `command.htm` request targets received, in order.
    public var commandTargets: [String] { requests.map(\.target).filter { $0.hasPrefix("/command.htm") } }
    /// The callback URLs fired, in order.
    public var firedURLs: [String] { state.withLock { $0.fired } }
    /// The calls the phone has now.
    public var calls: [Call] { state.withLock { $0.calls } }
    /// Whether DND is on.
    public var doNotDisturb: Bool { state.withLock { $0.doNotDisturb } }
    /// The digits typed after the last `TRANSFER` that completed.
    public var lastTransferTarget: String? { state.withLock { $0.lastTransferTarget } }

    /// Makes `command.htm` answer 404, as firmware without remote control does.
    public func removeRemoteControl() {
        state.withLock { $0.hasRemoteControl = false }
    }

    /// Sets DND without a callback (as if set before the bridge started).
    public func presetDoNotDisturb(_ on: Bool) {
        state.withLock { $0.doNotDisturb = on }
    }

    /// Loads every `<action_…>URL</action_…>` line of a Snom settings file as the phone's action URLs.
    public func loadSettings(_ xml: String) {
        var urls: [String: String] = [:]
        for line in xml.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("<action_"), let close = text.firstIndex(of: ">"),
                let end = text.range(of: "</", options: .backwards)
            else { continue }
            let name = text[text.index(after: text.startIndex)..<close].split(separator: " ")[0]
            let value = text[text.index(after: close)..<end.lowerBound]
            urls[String(name)] = value.replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
        state.withLock { $0.actionURLs = urls }
    }

    // MARK: Server life

    /// Starts listening: on a new port the first time, on the same port after ``stop()``.
    public func start() async throws {
        try await webServer.start { request in await self.handle(request) }
    }

    // MARK: The outside world

    /// A call from `remote` rings; returns its `$call-id`.
    @discardableResult
    public func ringIncoming(from remote: String, display: String = "") async -> String {
        let call = state.withLock { state -> Call in
            let call = Call(id: Self.callID(state.nextCall), inbound: true, state: "ringing", remote: remote, displayRemote: display)
            state.nextCall += 1
            state.calls.append(call)
            return call
        }
        await fire("action_incoming_url", call: call)
        return call.id
    }

    /// The phone finished booting: it reports `action_setup_url`.
    public func boot() async {
        state.withLock { $0.calls = [] }
        await fire("action_setup_url", call: nil)
    }

    /// The far end of the newest dialing call answers.
    public func remoteAnswers() async {
        let call = state.withLock { state -> Call? in
            guard let index = state.calls.lastIndex(where: { $0.state == "dialing" }) else { return nil }
            state.calls[index].state = "connected"
            return state.calls[index]
        }
        if let call { await fire("action_connected_url", call: call) }
    }

    /// The far end of the newest call hangs up (with `cancelReason` for an unanswered outbound call).
    public func remoteHangsUp(cancelReason: String = "") async {
        guard let call = state.withLock({ $0.calls.popLast() }) else { return }
        await fire("action_disconnected_url", call: call, cancelReason: cancelReason)
    }

    /// The caller of the newest ringing call gives up: the phone reports a missed call.
    public func callerGivesUp() async {
        let call = state.withLock { state -> Call? in
            guard let index = state.calls.lastIndex(where: { $0.state == "ringing" }) else { return nil }
            return state.calls.remove(at: index)
        }
        if let call { await fire("action_missed_url", call: call) }
    }

    // MARK: Requests

    /// Records every request, checks the login, then serves `command.htm` and `index.htm`.
    private func handle(_ request: ReceivedHTTPRequest) async -> HTTPReply {
        state.withLock { $0.requests.append(request) }
        if let refusal = login.refusal(of: request) { return refusal }
        switch request.path {
        case "/command.htm": return await command(query: request.rawQuery ?? "")
        case "/index.htm": return Self.page("snom embedded: status")
        default: return HTTPReply(status: 404)
        }
    }

    private func command(query: String) async -> HTTPReply {
        guard state.withLock({ $0.hasRemoteControl }) else { return HTTPReply(status: 404, body: "Not Found") }
        let items = QueryItems.split(query)
        if let number = items.first(where: { $0.name == "number" })?.value {
            let call = state.withLock { state -> Call in
                let call = Call(id: Self.callID(state.nextCall), inbound: false, state: "dialing", remote: number, displayRemote: "")
                state.nextCall += 1
                state.calls.append(call)
                return call
            }
            await fire("action_outgoing_url", call: call)
            return HTTPReply(status: 302, headers: [("Location", "/index.htm")])
        }
        if items.contains(where: { $0.name == "RELEASE_ALL_CALLS" }) {
            let ended = state.withLock { state -> [Call] in
                defer { state.calls = [] }
                return state.calls
            }
            for call in ended { await fire("action_disconnected_url", call: call) }
        }
        if let keys = items.first(where: { $0.name == "key" })?.value {
            for key in keys.split(separator: ";") { await press(String(key)) }
        }
        return Self.page("snom embedded: command")
    }

    private func press(_ key: String) async {
        switch key {
        case "ENTER" where state.withLock({ $0.transferDigits != nil }):
            let transferred = state.withLock { state -> Call? in
                guard let index = state.calls.lastIndex(where: { $0.state == "connected" || $0.state == "held" }) else {
                    return nil
                }
                state.lastTransferTarget = state.transferDigits
                state.transferDigits = nil
                return state.calls.remove(at: index)
            }
            if let transferred { await fire("action_transfer", call: transferred) }
        case "ENTER", "OFFHOOK", "SPEAKER", "HEADSET":
            let answered = state.withLock { state -> Call? in
                guard let index = state.calls.lastIndex(where: { $0.state == "ringing" }) else { return nil }
                state.calls[index].state = "connected"
                return state.calls[index]
            }
            if let answered { await fire("action_connected_url", call: answered) }
        case "CANCEL", "ONHOOK", "DISCONNECT":
            let ended = state.withLock { state -> (Call, Bool)? in
                guard let call = state.calls.popLast() else { return nil }
                return (call, call.state == "ringing")
            }
            // A ringing call rejected with CANCEL fires no action URL (reference §5.1 quirk).
            if let (call, wasRinging) = ended, !wasRinging { await fire("action_disconnected_url", call: call) }
        case "F_HOLD", "F_R":
            let toggled = state.withLock { state -> (Call, Bool)? in
                guard let index = state.calls.lastIndex(where: { $0.state == "connected" || $0.state == "held" }) else {
                    return nil
                }
                state.calls[index].state = state.calls[index].state == "held" ? "connected" : "held"
                return (state.calls[index], state.calls[index].state == "held")
            }
            if let (call, held) = toggled { await fire(held ? "action_hold" : "action_unhold", call: call) }
        case "DND":
            let on = state.withLock { state -> Bool? in
                state.doNotDisturb.toggle()
                return state.doNotDisturb
            } ?? false
            await fire(on ? "action_dnd_on_url" : "action_dnd_off_url", call: nil)
        case "TRANSFER":
            state.withLock { $0.transferDigits = "" }
        default:
            if key.count == 1, "0123456789*#".contains(key) {
                state.withLock { state in state.transferDigits = state.transferDigits.map { $0 + key } }
            }
        }
    }

    // MARK: Callbacks

    private func fire(_ setting: String, call: Call?, cancelReason: String = "") async {
        guard let template = state.withLock({ $0.actionURLs[setting] }) else { return }
        let url = ActionURL.fill(
            template,
            [
                ("$display_remote", call?.displayRemote ?? ""), ("$cancel_reason", cancelReason),
                ("$call-id", call?.id ?? ""), ("$remote", call?.remote ?? ""), ("$local", local),
            ])
        state.withLock { $0.fired.append(url) }
        await ActionURL.call(url)
    }

    // MARK: Helpers

    private static func callID(_ number: Int) -> String {
        "\(number)a7c3e1f0@snom.test"
    }

    private static func page(_ title: String) -> HTTPReply {
        HTTPReply(
            status: 200, headers: [("Content-Type", "text/html")],
            body: "<html><head><title>\(title)</title></head><body></body></html>")
    }
}
