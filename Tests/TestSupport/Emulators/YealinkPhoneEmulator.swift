import Foundation
import Synchronization

/// A fake Yealink deskphone: the Action URI (`/servlet?key=…`, legacy paths, `phonecfg=get`) with Basic or
/// Digest authentication, the trusted-IP list and the "Allow remote control?" prompt, a small call state, and
/// Action URL callbacks fired with Yealink's `$variables` substituted into the configured URLs.
///
/// It fires the callbacks a command causes before it answers the command, so a test sees the events as soon
/// as the driver's `perform` returns.
public final class YealinkPhoneEmulator: HTTPPhoneEmulator {
    /// How the web server authenticates.
    public typealias Authentication = WebLogin.Scheme

    /// The phone's remote-control trust settings.
    public enum RemoteControl: Sendable, Equatable {
        /// The bridge is in `features.action_uri_limit_ip` and `show_action_uri_option = 0`.
        case allowed
        /// Trusted, but `show_action_uri_option = 1`: the next request shows the prompt and is refused.
        case promptOnFirstRequest
        /// The prompt is on screen; requests are refused until ``pressOKOnRemoteControlPrompt()``.
        case awaitingConfirmation
        /// The bridge's address is not in the allow list (or the list is blank).
        case notInAllowList
    }

    /// How substituted variable values are written into callback URLs.
    public enum ValueEncoding: Sendable, Equatable {
        /// Percent-encoded (a well-behaved phone).
        case percentEncoded
        /// As-is, as Yealink firmware is reported to do; only spaces become `%20` so the request line stays valid.
        case unencoded
    }

    /// A call's state on the phone.
    public enum CallState: String, Sendable, Equatable {
        case ringing, dialing, talking, held
    }

    /// One call on the phone.
    public struct Call: Sendable, Equatable {
        public var id: Int
        public var incoming: Bool
        public var state: CallState
        /// The other party's number (user part).
        public var remote: String
        public var displayRemote: String
        public var dialled: String?
    }

    /// One callback the phone fired.
    public struct FiredCallback: Sendable, Equatable {
        public var event: String
        public var url: String
        /// The receiver's status, or nil when it could not be reached.
        public var status: Int?
    }

    /// A blind transfer the phone carried out.
    public struct Transfer: Sendable, Equatable {
        public var call: Int
        public var to: String

        public init(call: Int, to: String) {
            self.call = call
            self.to = to
        }
    }

    private struct State: Sendable {
        var remoteControl: RemoteControl
        var valueEncoding: ValueEncoding = .percentEncoded
        var requests: [ReceivedHTTPRequest] = []
        var executedKeys: [String] = []
        var ignoredRequests: [String] = []
        var dials: [(number: String, outgoingURI: String?)] = []
        var transfers: [Transfer] = []
        var calls: [Call] = []
        var nextCallID = 33093
        var doNotDisturb = false
        var transferDigits: String?
        var actionURLs: [String: String] = [:]
        var fired: [FiredCallback] = []
        /// Callbacks to lose on the way (the phone sends each once and never retries): event name → how many.
        var lost: [String: Int] = [:]
    }

    /// Yealink models whose Action URI ignores all but the first of several `;`-chained keys.
    public static let modelsWithoutKeyChaining: Set<String> = ["T48G", "T48S", "T48U", "T57W"]
    /// Yealink models without an `OK` key.
    public static let modelsWithoutOKKey: Set<String> = ["T57W", "CP925", "CP935W"]

    /// The web login.
    public var user: String { login.user }
    public var password: String { login.password }
    public var authentication: Authentication { login.scheme }
    /// The model, e.g. `T46S`.
    public let model: String
    /// The account the phone is registered with.
    public let account = "1001"
    public let accountHost = "pbx.example.com"
    public let mac = "805ec0123456"
    public let firmware = "66.86.0.15"
    /// The Digest verifier when ``authentication`` is `.digest`.
    public var digest: HTTPDigestVerifier { login.digest }

    private let login: WebLogin
    private let state: Mutex<State>
    public let webServer = RestartableHTTPServer(name: "YealinkPhoneEmulator", serverName: "YealinkPhoneEmulator")

    private init(user: String, password: String, authentication: Authentication, remoteControl: RemoteControl, model: String) {
        self.login = WebLogin(scheme: authentication, user: user, password: password, realm: "Yealink Web")
        self.model = model
        self.state = Mutex(State(remoteControl: remoteControl))
    }

    /// Starts a phone listening on 127.0.0.1.
    public static func start(
        user: String = "admin", password: String = "Yea-s3cret!", authentication: Authentication = .basic,
        remoteControl: RemoteControl = .allowed, model: String = "T46S"
    ) async throws -> YealinkPhoneEmulator {
        let phone = YealinkPhoneEmulator(
            user: user, password: password, authentication: authentication, remoteControl: remoteControl, model: model)
        try await phone.restart()
        return phone
    }

    /// Brings the phone (back) on the network, on the same port after ``stop()``.
    public func restart() async throws { try await webServer.start { request in await self.handle(request) } }

    // MARK: Inspection

    /// Every request received, in order.
    public var requests: [ReceivedHTTPRequest] { state.withLock { $0.requests } }
    /// The request targets of every request received.
    public var targets: [String] { requests.map(\.target) }
    /// Every key the phone acted on, in order (`ASW:33093`, `CALLEND`, `DNDOn`, a digit…).
    public var executedKeys: [String] { state.withLock { $0.executedKeys } }
    /// Requests the phone accepted but did nothing with (key not first, trailing `&`, unknown key).
    public var ignoredRequests: [String] { state.withLock { $0.ignoredRequests } }
    /// Every dial: the number as the phone decoded it and the account.
    public var dials: [(number: String, outgoingURI: String?)] { state.withLock { $0.dials } }
    /// Every blind transfer carried out.
    public var transfers: [Transfer] { state.withLock { $0.transfers } }
    /// The calls on the phone now.
    public var calls: [Call] { state.withLock { $0.calls } }
    /// Whether DND is on.
    public var doNotDisturb: Bool { state.withLock { $0.doNotDisturb } }
    /// The trust state.
    public var remoteControl: RemoteControl { state.withLock { $0.remoteControl } }
    /// Every callback fired, in order.
    public var firedCallbacks: [FiredCallback] { state.withLock { $0.fired } }

    // MARK: Settings

    /// Sets how variable values are written into callback URLs.
    public func setValueEncoding(_ encoding: ValueEncoding) { state.withLock { $0.valueEncoding = encoding } }
    /// Changes the trust settings.
    public func setRemoteControl(_ value: RemoteControl) { state.withLock { $0.remoteControl = value } }
    /// The user presses OK on "Allow remote control?".
    public func pressOKOnRemoteControlPrompt() {
        state.withLock { if $0.remoteControl == .awaitingConfirmation { $0.remoteControl = .allowed } }
    }

    /// Sets one action URL (`action_url.<event>`).
    public func setActionURL(_ event: String, _ url: String) { state.withLock { $0.actionURLs[event] = url } }

    /// Reads every `action_url.<event> = <url>` line of a provisioning file, as the phone's auto-provisioning does.
    @discardableResult
    public func loadConfiguration(_ text: String) -> Int {
        var count = 0
        for line in text.split(separator: "\n") where line.hasPrefix("action_url.") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            setActionURL(String(key.dropFirst("action_url.".count)), value)
            count += 1
        }
        return count
    }

    // MARK: The outside world

    /// A call arrives: the phone rings and fires `incoming_call`. Returns the call id.
    @discardableResult
    public func ring(from remote: String, displayName: String = "", dialled: String? = nil) async -> Int {
        let call = state.withLock { state -> Call in
            let call = Call(
                id: state.nextCallID, incoming: true, state: .ringing, remote: remote, displayRemote: displayName,
                dialled: dialled)
            state.nextCallID += 1
            state.calls.append(call)
            return call
        }
        await fireBusyIfFirst(call)
        await fire("incoming_call", call: call)
        return call.id
    }

    /// The far end answers an outgoing call: `call_established`.
    public func remoteAnswers(_ id: Int) async {
        guard let call = update(id, { $0.state = .talking }) else { return }
        await fire("call_established", call: call)
    }

    /// The far end hangs up or gives up: a ringing call is missed, anything else terminated.
    public func remoteHangsUp(_ id: Int) async {
        guard let call = remove(id) else { return }
        await fire(call.state == .ringing ? "missed_call" : "call_terminated", call: call)
        await fireIdleIfNoCalls()
    }

    /// The phone restarts: calls are gone and `setup_completed` fires.
    public func reboot() async {
        state.withLock {
            $0.calls.removeAll()
            $0.transferDigits = nil
        }
        await fire("setup_completed", call: nil)
    }

    /// Fires `event` for call `id` (or a device event when nil) with the current variables.
    @discardableResult
    public func fire(_ event: String, callID id: Int?) async -> FiredCallback? {
        let call = id.flatMap { id in state.withLock { $0.calls.first { $0.id == id } } }
        return await fire(event, call: call)
    }

    // MARK: Web server

    private func handle(_ request: ReceivedHTTPRequest) async -> HTTPReply {
        state.withLock { $0.requests.append(request) }
        if let refusal = login.refusal(of: request) { return refusal }
        guard ["/servlet", "/cgi-bin/ConfigManApp.com", "/cgi-bin/cgiServer.exx"].contains(request.path) else {
            return HTTPReply(status: 404, body: "<html><body>404 Not Found</body></html>")
        }
        switch state.withLock({ $0.remoteControl }) {
        case .allowed:
            break
        case .promptOnFirstRequest, .awaitingConfirmation:
            state.withLock { $0.remoteControl = .awaitingConfirmation }
            return HTTPReply(
                status: 403, headers: [("Content-Type", "text/html")],
                body: "<html><body>Remote control forbidden</body></html>")
        case .notInAllowList:
            return HTTPReply(
                status: 403, headers: [("Content-Type", "text/html")], body: "<html><body>403 Forbidden</body></html>")
        }
        return await perform(query: request.rawQuery ?? "")
    }

    private func perform(query: String) async -> HTTPReply {
        // Yealink ignores requests whose key is not the first parameter and dislikes a trailing '&'.
        if query.hasSuffix("&") || query.isEmpty {
            return ignore(query)
        }
        let parameters = query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: String(parts[0]), value: Self.percentDecoded(parts.count > 1 ? String(parts[1]) : ""))
        }
        let first = parameters[0]
        let outgoingURI = parameters.dropFirst().first { $0.name == "outgoing_uri" }?.value
        switch first.name {
        case "phonecfg":
            guard first.value == "get" else { return ignore(query) }
            return HTTPReply(
                status: 200, headers: [("Content-Type", "text/plain")],
                body: "Firmware:\(firmware)\nAccount1|\(account)|\(account)|Agent \(account)|1|\(account)@\(accountHost)\n")
        case "number":
            await dial(first.value, outgoingURI: outgoingURI)
            return HTTPReply(status: 200)
        case "key":
            if first.value.hasPrefix("number=") {
                await dial(String(first.value.dropFirst("number=".count)), outgoingURI: outgoingURI)
                return HTTPReply(status: 200)
            }
            var keys = first.value.split(separator: ";").map(String.init)
            if Self.modelsWithoutKeyChaining.contains(model) { keys = Array(keys.prefix(1)) }
            for key in keys { await press(key) }
            return HTTPReply(status: 200)
        default:
            return ignore(query)
        }
    }

    private func ignore(_ query: String) -> HTTPReply {
        state.withLock { $0.ignoredRequests.append(query) }
        return HTTPReply(status: 200)
    }

    private func dial(_ number: String, outgoingURI: String?) async {
        let call = state.withLock { state -> Call in
            state.dials.append((number, outgoingURI))
            state.executedKeys.append("number=\(number)")
            let call = Call(
                id: state.nextCallID, incoming: false, state: .dialing, remote: number, displayRemote: "", dialled: nil)
            state.nextCallID += 1
            state.calls.append(call)
            return call
        }
        await fireBusyIfFirst(call)
        await fire("outgoing_call", call: call)
    }

    // swiftlint:disable:next cyclomatic_complexity
    private func press(_ key: String) async {
        state.withLock { $0.executedKeys.append(key) }
        let (name, argument) = Self.split(key)
        if let digits = state.withLock({ $0.transferDigits }), name != "F_TRANSFER", name != "OK" {
            if let digit = Self.digit(name) {
                state.withLock { $0.transferDigits = digits + digit }
            }
            return
        }
        switch name {
        case "OK", "ENTER":
            if state.withLock({ $0.transferDigits }) != nil {
                await completeTransfer()
            } else if name == "OK", Self.modelsWithoutOKKey.contains(model) {
                return
            } else if let call = newest([.ringing]) {
                await answer(call.id)
            }
        case "ASW":
            if let id = argument, call(id)?.state == .ringing { await answer(id) }
        case "CALLEND", "CallEnd":
            if let call = newest([.talking, .dialing, .held, .ringing]) { await end(call.id) }
        case "CANCEL":
            if let id = argument { await end(id) }
        case "F_HOLD", "HOLD":
            if let id = argument {
                await hold(id)
            } else if let call = newest([.talking]) {
                await hold(call.id)
            } else if name == "F_HOLD", let call = newest([.held]) {
                await unhold(call.id)
            }
        case "UNHOLD":
            if let id = argument { await unhold(id) }
        case "DNDOn", "DNDOff":
            let on = name == "DNDOn"
            state.withLock { $0.doNotDisturb = on }
            await fire(on ? "dnd_on" : "dnd_off", call: nil)
        case "F_TRANSFER":
            if state.withLock({ $0.transferDigits }) != nil {
                await completeTransfer()
            } else if newest([.talking, .held]) != nil {
                state.withLock { $0.transferDigits = "" }
            }
        default:
            state.withLock { $0.ignoredRequests.append("key=\(key)") }
        }
    }

    private func answer(_ id: Int) async {
        guard let call = update(id, { $0.state = .talking }) else { return }
        await fire("call_established", call: call)
    }

    private func end(_ id: Int) async {
        guard let call = remove(id) else { return }
        switch call.state {
        case .ringing: await fire("reject_incoming_call", call: call)
        case .dialing: await fire("cancel_callout", call: call)
        case .talking, .held: await fire("call_terminated", call: call)
        }
        await fireIdleIfNoCalls()
    }

    private func hold(_ id: Int) async {
        guard self.call(id)?.state == .talking, let call = update(id, { $0.state = .held }) else { return }
        await fire("hold", call: call)
    }

    private func unhold(_ id: Int) async {
        guard self.call(id)?.state == .held, let call = update(id, { $0.state = .talking }) else { return }
        await fire("unhold", call: call)
    }

    private func completeTransfer() async {
        let digits = state.withLock { state -> String? in
            defer { state.transferDigits = nil }
            return state.transferDigits
        }
        guard let digits, !digits.isEmpty, let call = newest([.talking, .held]) else { return }
        _ = remove(call.id)
        state.withLock { $0.transfers.append(Transfer(call: call.id, to: digits)) }
        await fire("transfer_finished", call: call)
        await fireIdleIfNoCalls()
    }

    // MARK: Call state helpers

    private func call(_ id: Int) -> Call? { state.withLock { $0.calls.first { $0.id == id } } }

    private func newest(_ states: [CallState]) -> Call? {
        state.withLock { state in
            for wanted in states {
                if let call = state.calls.last(where: { $0.state == wanted }) { return call }
            }
            return nil
        }
    }

    private func update(_ id: Int, _ change: (inout Call) -> Void) -> Call? {
        state.withLock { state in
            guard let index = state.calls.firstIndex(where: { $0.id == id }) else { return nil }
            change(&state.calls[index])
            return state.calls[index]
        }
    }

    private func remove(_ id: Int) -> Call? {
        state.withLock { state in
            guard let index = state.calls.firstIndex(where: { $0.id == id }) else { return nil }
            return state.calls.remove(at: index)
        }
    }

    // MARK: Callbacks

    /// The next `count` callbacks of `event` are lost on the way: fired, never received.
    public func loseNextCallback(_ event: String, count: Int = 1) {
        state.withLock { $0.lost[event, default: 0] += count }
    }

    /// `idle_to_busy` when `call` is the phone's only call.
    private func fireBusyIfFirst(_ call: Call) async {
        guard state.withLock({ $0.calls.count == 1 }) else { return }
        await fire("idle_to_busy", call: nil)
    }

    /// `busy_to_idle` once the phone's last call is gone.
    private func fireIdleIfNoCalls() async {
        guard state.withLock({ $0.calls.isEmpty }) else { return }
        await fire("busy_to_idle", call: nil)
    }

    @discardableResult
    private func fire(_ event: String, call: Call?) async -> FiredCallback? {
        let (template, encoding) = state.withLock { ($0.actionURLs[event], $0.valueEncoding) }
        guard let template else { return nil }
        let url = substitute(template, call: call, encoding: encoding)
        let lost = state.withLock { state -> Bool in
            guard let left = state.lost[event], left > 0 else { return false }
            state.lost[event] = left - 1
            return true
        }
        if lost {
            let fired = FiredCallback(event: event, url: url, status: nil)
            state.withLock { $0.fired.append(fired) }
            return fired
        }
        let status = try? await YealinkCallbackSender.get(url, userAgent: "Yealink SIP-\(model) \(firmware)").status
        let fired = FiredCallback(event: event, url: url, status: status)
        state.withLock { $0.fired.append(fired) }
        return fired
    }

    /// The value of every Yealink variable for `call` (empty when the event has no call).
    public func variables(for call: Call?) -> [String: String] {
        var values = [
            "mac": mac, "ip": "127.0.0.1", "model": model, "firmware": firmware,
            "active_user": account, "active_host": accountHost, "active_url": "sip:\(account)@\(accountHost)",
            "call_id": "", "local": "", "remote": "", "display_local": "", "display_remote": "",
            "callerID": "", "calledNumber": "",
        ]
        if let call {
            values["call_id"] = String(call.id)
            values["local"] = "sip:\(account)@\(accountHost)"
            values["display_local"] = "Agent \(account)"
            values["remote"] = "sip:\(call.remote)@\(accountHost)"
            values["display_remote"] = call.displayRemote
            values["callerID"] = call.incoming ? call.remote : account
            values["calledNumber"] = call.dialled ?? (call.incoming ? account : call.remote)
        }
        return values
    }

    private func substitute(_ template: String, call: Call?, encoding: ValueEncoding) -> String {
        let values = variables(for: call)
        let names = values.keys.sorted { $0.count > $1.count }
        var result = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if let name = names.first(where: { after.hasPrefix($0) }) {
                result += Self.encode(values[name]!, encoding)
                rest = after.dropFirst(name.count)
            } else {
                result += "$"
                rest = after
            }
        }
        return result + rest
    }

    private static func encode(_ value: String, _ encoding: ValueEncoding) -> String {
        switch encoding {
        case .percentEncoded:
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        case .unencoded:
            return value.replacingOccurrences(of: " ", with: "%20")
        }
    }

    // MARK: Parsing helpers

    private static func split(_ key: String) -> (String, Int?) {
        guard let colon = key.firstIndex(of: ":") else { return (key, nil) }
        return (String(key[..<colon]), Int(key[key.index(after: colon)...]))
    }

    private static func digit(_ key: String) -> String? {
        switch key {
        case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9": key
        case "STAR": "*"
        case "POUND": "#"
        default: nil
        }
    }

    /// `%XX` decoded; `+` read as a space, as form decoders on phones do (why numbers must carry `%2B`).
    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let value = UInt8(String(decoding: utf8[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(utf8[index] == UInt8(ascii: "+") ? UInt8(ascii: " ") : utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
