import Foundation
import Hummingbird
import Logging
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A Snom deskphone's web server on 127.0.0.1: `command.htm` remote control, Basic or Digest login, a small call
/// state, and action-URL callbacks fired the way the phone fires them.
///
/// Action URLs are loaded from the settings file a driver prints (``loadSettings(_:)``); the phone substitutes
/// `$call-id`, `$remote`, `$display_remote`, `$local` and `$cancel_reason` and calls the URL with GET before it
/// answers the request that caused the event, so a test sees the events as soon as the command returns.
public final class SnomPhoneEmulator: Sendable {
    /// How the web server checks logins (the phone's `http_scheme`).
    public enum Login: Sendable {
        /// No `http_user` set.
        case none
        /// `http_scheme` off.
        case basic(user: String, password: String)
        /// `http_scheme` on.
        case digest(user: String, password: String)
    }

    /// One request as the phone received it.
    public struct RecordedRequest: Sendable, Equatable {
        /// `GET`, `POST`, …
        public var method: String
        /// Path and query exactly as sent.
        public var target: String
        /// Header fields, names lower-cased.
        public var headers: [String: String]
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
        var requests: [RecordedRequest] = []
        var fired: [String] = []
        var transferDigits: String?
        var lastTransferTarget: String?
        var hasRemoteControl = true
    }

    /// The phone's own SIP identity (`$local`).
    public let local: String
    private let login: Login
    private let digest = HTTPDigestVerifier(realm: "snom", algorithm: .md5)
    private let state = Mutex(State())
    private let server = Mutex<(port: Int, task: Task<Void, Never>?)>((0, nil))

    /// Creates a phone; call ``start()`` to listen.
    public init(login: Login, local: String = "sip:100@pbx.example.test") {
        self.login = login
        self.local = local
    }

    /// The bound port (the same after a restart).
    public var port: Int { server.withLock { $0.port } }
    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// Every request received, in order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
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
        let wanted = port
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "SnomPhoneEmulator")
        logger.logLevel = .critical
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname("127.0.0.1", port: wanted), serverName: "snom embedded"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let task = Task {
            try? await app.runService(gracefulShutdownSignals: [])
            continuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            throw HTTPTestServerError.didNotStart
        }
        server.withLock { $0 = (bound, task) }
    }

    /// Stops listening; the port stays reserved for ``start()``.
    public func stop() async {
        let task = server.withLock { server -> Task<Void, Never>? in
            defer { server.task = nil }
            return server.task
        }
        task?.cancel()
        await task?.value
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
        let call = update { state -> Call? in
            guard let index = state.calls.lastIndex(where: { $0.state == "dialing" }) else { return nil }
            state.calls[index].state = "connected"
            return state.calls[index]
        }
        if let call { await fire("action_connected_url", call: call) }
    }

    /// The far end of the newest call hangs up (with `cancelReason` for an unanswered outbound call).
    public func remoteHangsUp(cancelReason: String = "") async {
        guard let call = update({ $0.calls.popLast() }) else { return }
        await fire("action_disconnected_url", call: call, cancelReason: cancelReason)
    }

    /// The caller of the newest ringing call gives up: the phone reports a missed call.
    public func callerGivesUp() async {
        let call = update { state -> Call? in
            guard let index = state.calls.lastIndex(where: { $0.state == "ringing" }) else { return nil }
            return state.calls.remove(at: index)
        }
        if let call { await fire("action_missed_url", call: call) }
    }

    // MARK: Requests

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/command.htm") { request, _ in await self.command(request) }
        router.get("/index.htm") { request, _ in self.admit(request) ?? Self.page("snom embedded: status") }
        return router
    }

    /// Records, then checks the login, then runs the route.
    private func admit(_ request: Request) -> Response? {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let target = request.head.path ?? ""
        state.withLock {
            $0.requests.append(RecordedRequest(method: request.method.rawValue, target: target, headers: headers))
        }
        let authorization = request.headers[.authorization]
        switch login {
        case .none:
            return nil
        case .basic(let user, let password):
            let expected = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
            if authorization == expected { return nil }
            return Response(
                status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"snom\""],
                body: .init(byteBuffer: ByteBuffer(string: "<html><body>401 Unauthorized</body></html>")))
        case .digest(let user, let password):
            let outcome = digest.verify(
                authorization: authorization, method: request.method.rawValue, uri: target, credentials: [user: password])
            if outcome.isAuthenticated { return nil }
            return Response(
                status: .unauthorized, headers: [.wwwAuthenticate: digest.challenge()],
                body: .init(byteBuffer: ByteBuffer(string: "<html><body>401 Unauthorized</body></html>")))
        }
    }

    private func command(_ request: Request) async -> Response {
        if let refusal = admit(request) { return refusal }
        guard state.withLock({ $0.hasRemoteControl }) else {
            return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "Not Found")))
        }
        let items = Self.queryItems(request.uri.query ?? "")
        if let number = items.first(where: { $0.name == "number" })?.value {
            let call = update { state -> Call? in
                let call = Call(id: Self.callID(state.nextCall), inbound: false, state: "dialing", remote: number, displayRemote: "")
                state.nextCall += 1
                state.calls.append(call)
                return call
            }
            if let call { await fire("action_outgoing_url", call: call) }
            return Response(status: .found, headers: [.location: "/index.htm"])
        }
        if items.contains(where: { $0.name == "RELEASE_ALL_CALLS" }) {
            let ended = update { state -> [Call]? in
                defer { state.calls = [] }
                return state.calls
            } ?? []
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
            let transferred = update { state -> Call? in
                guard let index = state.calls.lastIndex(where: { $0.state == "connected" || $0.state == "held" }) else {
                    return nil
                }
                state.lastTransferTarget = state.transferDigits
                state.transferDigits = nil
                return state.calls.remove(at: index)
            }
            if let transferred { await fire("action_transfer", call: transferred) }
        case "ENTER", "OFFHOOK", "SPEAKER", "HEADSET":
            let answered = update { state -> Call? in
                guard let index = state.calls.lastIndex(where: { $0.state == "ringing" }) else { return nil }
                state.calls[index].state = "connected"
                return state.calls[index]
            }
            if let answered { await fire("action_connected_url", call: answered) }
        case "CANCEL", "ONHOOK", "DISCONNECT":
            let ended = update { state -> (Call, Bool)? in
                guard let call = state.calls.popLast() else { return nil }
                return (call, call.state == "ringing")
            }
            // A ringing call rejected with CANCEL fires no action URL (reference §5.1 quirk).
            if let (call, wasRinging) = ended, !wasRinging { await fire("action_disconnected_url", call: call) }
        case "F_HOLD", "F_R":
            let toggled = update { state -> (Call, Bool)? in
                guard let index = state.calls.lastIndex(where: { $0.state == "connected" || $0.state == "held" }) else {
                    return nil
                }
                state.calls[index].state = state.calls[index].state == "held" ? "connected" : "held"
                return (state.calls[index], state.calls[index].state == "held")
            }
            if let (call, held) = toggled { await fire(held ? "action_hold" : "action_unhold", call: call) }
        case "DND":
            let on = update { state -> Bool? in
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
        let values: [(String, String)] = [
            ("$display_remote", call?.displayRemote ?? ""), ("$cancel_reason", cancelReason),
            ("$call-id", call?.id ?? ""), ("$remote", call?.remote ?? ""), ("$local", local),
        ]
        var url = template
        for (variable, value) in values {
            url = url.replacingOccurrences(of: variable, with: Self.queryEncoded(value))
        }
        state.withLock { $0.fired.append(url) }
        guard let target = URL(string: url) else { return }
        _ = try? await URLSession.shared.data(from: target)
    }

    private static let queryValueAllowed: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        return allowed
    }()

    private static func queryEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? ""
    }

    // MARK: Helpers

    private func update<Value>(_ body: (inout State) -> Value?) -> Value? {
        state.withLock { body(&$0) }
    }

    private static func callID(_ number: Int) -> String {
        "\(number)a7c3e1f0@snom.test"
    }

    private static func page(_ title: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html"],
            body: .init(byteBuffer: ByteBuffer(string: "<html><head><title>\(title)</title></head><body></body></html>")))
    }

    /// The query split like the phone does: `&`-separated items, `name[=value]`, values percent-decoded.
    private static func queryItems(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (name, value)
        }
    }
}
