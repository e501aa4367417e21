import Foundation
import Hummingbird
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A Poly UC Software phone on 127.0.0.1: REST API (Basic `Polycom:<admin>`), Push API (Digest), call state,
/// and Telephony Event Notification XML POSTed to the URL an installer configured.
///
/// REST answers `{"Status":"2000"}` or Poly's 4xxx codes; callStatus reflects the calls; `/push` executes
/// `tel:\\<number>` and records every pushed URI. State changes are notified as the phone would, in order, on
/// one delivery task. The server can be stopped and started again on the same port.
public final class PolyPhoneEmulator: HTTPPhoneEmulator {
    /// How the emulated phone is set up.
    public struct Configuration: Sendable {
        /// The admin password REST accepts with user `Polycom`.
        public var adminPassword = "Adm1n-Pa55"
        /// `apps.push.username` / `apps.push.password`.
        public var pushUser = "pushuser"
        public var pushPassword = "Pu5h-Pa55"
        /// `apps.restapi.enabled`; off → every `/api` path answers 404, as on firmware without REST.
        public var restEnabled = true
        /// The factory admin password is still set: REST answers `Status 4010`.
        public var factoryPassword = false
        /// SIP 3.1-era firmware: notifications wrapped in `<PolycomIPPhone>`.
        public var legacyNotificationWrapper = false
        /// The phone's own directory number, reported as the called party of inbound calls.
        public var directoryNumber = "1001"

        public init() {}
    }

    /// One call as the phone holds it.
    public struct Call: Sendable, Equatable {
        public var handle: String
        /// Poly's state name: `Offering`, `Setup`, `Ringback`, `Connected`, `Hold`.
        public var state: String
        /// `Incoming` or `Outgoing`.
        public var type: String
        public var remoteNumber: String
        public var remoteName: String
        public var line: String
    }

    private struct State: Sendable {
        var calls: [Call] = []
        var nextHandle: UInt32 = 0xb53e_57c0
        var requests: [ReceivedHTTPRequest] = []
        var pushedURIs: [String] = []
        var notificationURL: String?
        var notificationStatuses: [Int] = []
        var pendingNotifications = 0
    }

    public let configuration: Configuration
    private let state = Mutex(State())
    public let webServer = RestartableHTTPServer(name: "PolyPhoneEmulator", serverName: "Poly")
    private let digest = HTTPDigestVerifier(realm: "PUSH Authentication")
    private let outbox: AsyncStream<String>.Continuation
    private let outboxStream: AsyncStream<String>

    private init(configuration: Configuration) {
        self.configuration = configuration
        (outboxStream, outbox) = AsyncStream.makeStream(of: String.self)
    }

    /// Starts an emulator, runs `body`, then stops it and its notification delivery (also when `body` throws).
    public static func withEmulator<Result: Sendable>(
        _ configuration: Configuration = Configuration(),
        _ body: (PolyPhoneEmulator) async throws -> Result
    ) async throws -> Result {
        let emulator = PolyPhoneEmulator(configuration: configuration)
        let delivery = Task { await emulator.deliverNotifications() }
        defer {
            emulator.outbox.finish()
            delivery.cancel()
        }
        try await emulator.start()
        return try await withAsyncDefer({ await emulator.stop() }) { try await body(emulator) }
    }

    // MARK: Inspection

    /// Every request received, in order.
    public var requests: [ReceivedHTTPRequest] { state.withLock { $0.requests } }
    /// Every internal URI executed from `/push`, in order.
    public var pushedURIs: [String] { state.withLock { $0.pushedURIs } }
    /// The live calls.
    public var calls: [Call] { state.withLock { $0.calls } }
    /// The HTTP statuses the notification receiver answered, in order.
    public var notificationStatuses: [Int] { state.withLock { $0.notificationStatuses } }

    /// Waits until every queued notification has been delivered (or given up on), at most `timeout`.
    public func drainNotifications(timeout: Duration = .seconds(5)) async {
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.pendingNotifications }) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Sets `apps.telNotification.URL` (as the bridge's provisioning printed it); `nil` stops notifications.
    public func setNotificationURL(_ url: String?) {
        state.withLock { $0.notificationURL = url }
    }

    // MARK: The world around the phone

    /// An inbound call starts ringing; returns its handle.
    @discardableResult
    public func ring(from number: String, name: String = "", dialled: String? = nil) -> String {
        let call = state.withLock { state in
            let call = Call(
                handle: Self.newHandle(&state), state: "Offering", type: "Incoming", remoteNumber: number,
                remoteName: name, line: "1")
            state.calls.append(call)
            return call
        }
        notify(Self.callEvent("IncomingCallEvent", call: call, configuration: configuration, dialled: dialled))
        notify(Self.stateChange(call, configuration: configuration, dialled: dialled))
        return call.handle
    }

    /// The far end of an outgoing call answers.
    public func farEndAnswers(_ handle: String) {
        if let call = transition(handle, from: ["Setup", "Ringback"], to: "Connected") {
            notify(Self.stateChange(call, configuration: configuration))
        }
    }

    /// The far end hangs up (a ringing inbound call stops ringing).
    public func farEndHangsUp(_ handle: String) {
        guard let call = remove(handle) else { return }
        notify(Self.stateChange(call, state: "Free", configuration: configuration))
    }

    /// The user lifts or replaces the handset.
    public func hook(off: Bool) {
        notify(Self.hookEvent(off ? "OffHookEvent" : "OnHookEvent"))
    }

    /// POSTs `xml` to the notification URL now, bypassing the queue; returns the HTTP status.
    public func postNotification(_ xml: String) async throws -> Int {
        guard let url = state.withLock({ $0.notificationURL }) else { throw PolyEmulatorError.noNotificationURL }
        return try await Self.post(xml, to: url)
    }

    // MARK: Server lifecycle

    /// Starts listening: on a new port the first time, on the same port afterwards.
    public func start() async throws {
        try await webServer.start(makeRouter())
    }

    // MARK: Routes

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(RequestRecordingMiddleware { request in self.state.withLock { $0.requests.append(request) } })
        router.post("/api/v1/callctrl/{action}") { request, context in
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            return self.rest(request) {
                self.callControl(try context.parameters.require("action"), body: Data(buffer: body))
            }
        }
        for version in ["v1", "v2"] {
            router.get("/api/\(version)/webCallControl/callStatus") { request, _ in
                self.rest(request) { self.callStatus(version: version) }
            }
        }
        router.get("/api/v1/mgmt/device/info") { request, _ in
            self.rest(request) {
                Self.json([
                    "Status": "2000",
                    "data": ["ModelNumber": "VVX 450", "FirmwareRelease": "6.4.3", "MACAddress": "0004f2aabbcc"],
                ])
            }
        }
        router.post("/push") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            return self.push(request, body: String(buffer: body))
        }
        router.get("/push") { request, _ in
            guard self.pushAuthenticated(request) else { return self.digestChallenge() }
            return Response(status: .methodNotAllowed)
        }
        return router
    }

    /// Basic `Polycom:<admin>` on every REST path; 404 when REST is disabled; 4010 with the factory password.
    private func rest(_ request: Request, _ handler: () throws -> Response) -> Response {
        guard configuration.restEnabled else { return Response(status: .notFound) }
        guard request.headers[.authorization] == basicAuthorization(user: "Polycom", password: configuration.adminPassword) else {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: #"Basic realm="Poly REST API""#])
        }
        if configuration.factoryPassword { return Self.status("4010") }
        return (try? handler()) ?? Self.status("4000")
    }

    private func callControl(_ action: String, body: Data) -> Response {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let data = object["data"] as? [String: Any]
        else { return Self.status("4000") }
        if action == "dial" {
            guard let destination = data["Dest"] as? String, !destination.isEmpty else { return Self.status("4000") }
            guard let line = data["Line"] as? String, line == "1" || line == "2" else { return Self.status("4005") }
            guard ["TEL", "SIP", nil].contains(data["Type"] as? String) else { return Self.status("4000") }
            placeCall(to: destination, line: line)
            return Self.status("2000")
        }
        guard let reference = data["Ref"] as? String else { return Self.status("4000") }
        let rules: [String: (from: [String], to: String?)] = [
            "answerCall": (["Offering"], "Connected"),
            "endCall": (["Offering", "Setup", "Ringback", "Connected", "Hold"], nil),
            "rejectCall": (["Offering"], nil),
            "holdCall": (["Connected"], "Hold"),
            "resumeCall": (["Hold"], "Connected"),
        ]
        guard let rule = rules[action] else { return Self.status("4004") }
        guard let current = calls.first(where: { $0.handle == reference }) else { return Self.status("4007") }
        guard rule.from.contains(current.state) else { return Self.status("4003") }
        if let next = rule.to {
            if let call = transition(reference, from: rule.from, to: next) {
                notify(Self.stateChange(call, configuration: configuration))
            }
        } else if let call = remove(reference) {
            notify(Self.stateChange(call, state: "Disconnected", configuration: configuration))
            notify(Self.stateChange(call, state: "Free", configuration: configuration))
        }
        return Self.status("2000")
    }

    private func callStatus(version: String) -> Response {
        let entries: [[String: String]] = calls.map { call in
            [
                "CallHandle": call.handle, "Type": call.type, "Protocol": "Sip", "CallState": call.state,
                version == "v1" ? "LineId" : "LineID": call.line, "RemotePartyName": call.remoteName,
                "RemotePartyNumber": call.remoteNumber, "DurationInSeconds": "0",
            ]
        }
        if version == "v2" { return Self.json(["Status": "2000", "data": entries]) }
        guard let first = entries.first else { return Self.status("4007") }
        return Self.json(["Status": "2000", "data": first])
    }

    private func push(_ request: Request, body: String) -> Response {
        guard pushAuthenticated(request) else { return digestChallenge() }
        guard request.headers[.contentType] == "application/x-com-polycom-spipx", body.utf8.count <= 2048,
            let content = Self.dataContent(of: body)
        else { return Response(status: .badRequest) }
        for uri in content.split(whereSeparator: \.isNewline).map(String.init) {
            state.withLock { $0.pushedURIs.append(uri) }
            for scheme in [#"tel:\\"#, "sip:"] where uri.hasPrefix(scheme) {
                placeCall(to: scheme == "sip:" ? uri : String(uri.dropFirst(scheme.count)), line: "1")
            }
        }
        return Response(status: .ok)
    }

    private func pushAuthenticated(_ request: Request) -> Bool {
        digest.verify(
            authorization: request.headers[.authorization], method: request.method.rawValue,
            uri: request.head.path ?? "", credentials: [configuration.pushUser: configuration.pushPassword]
        ).isAuthenticated
    }

    private func digestChallenge() -> Response {
        Response(status: .unauthorized, headers: [.wwwAuthenticate: digest.challenge()])
    }

    // MARK: Call state

    private func placeCall(to destination: String, line: String) {
        let call = state.withLock { state in
            let call = Call(
                handle: Self.newHandle(&state), state: "Ringback", type: "Outgoing", remoteNumber: destination,
                remoteName: "", line: line)
            state.calls.append(call)
            return call
        }
        notify(Self.callEvent("OutgoingCallEvent", call: call, configuration: configuration, dialled: nil))
        notify(Self.stateChange(call, state: "Setup", configuration: configuration))
        notify(Self.stateChange(call, configuration: configuration))
    }

    private func transition(_ handle: String, from: [String], to next: String) -> Call? {
        state.withLock { state in
            guard let index = state.calls.firstIndex(where: { $0.handle == handle && from.contains($0.state) }) else {
                return nil
            }
            state.calls[index].state = next
            return state.calls[index]
        }
    }

    private func remove(_ handle: String) -> Call? {
        state.withLock { state in
            guard let index = state.calls.firstIndex(where: { $0.handle == handle }) else { return nil }
            return state.calls.remove(at: index)
        }
    }

    private static func newHandle(_ state: inout State) -> String {
        defer { state.nextHandle &+= 0x28 }
        return "0x" + String(state.nextHandle, radix: 16)
    }

    // MARK: Notifications

    private func notify(_ xml: String) {
        let wrapped = configuration.legacyNotificationWrapper ? "<PolycomIPPhone>\(xml)</PolycomIPPhone>" : xml
        state.withLock { $0.pendingNotifications += 1 }
        outbox.yield(wrapped)
    }

    /// Delivers queued notifications one at a time, in order, as the phone's single HTTP client would.
    private func deliverNotifications() async {
        for await xml in outboxStream {
            if let url = state.withLock({ $0.notificationURL }) {
                let status = (try? await Self.post(xml, to: url)) ?? -1
                state.withLock { $0.notificationStatuses.append(status) }
            }
            state.withLock { $0.pendingNotifications -= 1 }
        }
    }

    private static func post(_ xml: String, to url: String) async throws -> Int {
        guard let target = URL(string: url) else { throw PolyEmulatorError.noNotificationURL }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.setValue("text/xml", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(xml.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? -1
    }

    private static func callEvent(_ name: String, call: Call, configuration: Configuration, dialled: String?) -> String {
        let incoming = call.type == "Incoming"
        let own = dialled ?? configuration.directoryNumber
        return "<\(name)><PhoneIP>127.0.0.1</PhoneIP><MACAddress>0004f2aabbcc</MACAddress>"
            + element("CallingPartyName", incoming ? call.remoteName : own)
            + element("CallingPartyNumber", incoming ? call.remoteNumber : own)
            + element("CalledPartyName", incoming ? own : call.remoteName)
            + element("CalledPartyNumber", incoming ? own : call.remoteNumber)
            + "<TimeStamp>\(timestamp())</TimeStamp></\(name)>"
    }

    /// The documented CallStateChangeEvent; a call that is gone reports its state in the attributes only.
    private static func stateChange(
        _ call: Call, state: String? = nil, configuration: Configuration, dialled: String? = nil
    ) -> String {
        let callState = state ?? call.state
        let incoming = call.type == "Incoming"
        let own = dialled ?? configuration.directoryNumber
        let gone = callState == "Free" || callState == "Disconnected"
        var xml = "<CallStateChangeEvent CallReference=\"\(call.handle)\" CallState=\"\(callState)\">"
            + "<PhoneIP>127.0.0.1</PhoneIP><MACAddress>0004f2aabbcc</MACAddress><LineNumber>\(call.line)</LineNumber>"
            + "<TimeStamp>\(timestamp())</TimeStamp><CallLineInfo><LineKeyNum>\(call.line)</LineKeyNum>"
            + element("LineDirNum", configuration.directoryNumber)
            + "<LineState>\(gone ? "Inactive" : "Active")</LineState>"
        if !gone {
            xml += "<CallInfo><CallState>\(callState)</CallState><CallType>\(call.type)</CallType>"
                + "<UIAppearanceIndex>1*</UIAppearanceIndex>"
                + element("CalledPartyName", incoming ? "" : call.remoteName)
                + element("CalledPartyDirNum", incoming ? own : call.remoteNumber)
                + element("CallingPartyName", incoming ? call.remoteName : "")
                + element("CallingPartyDirNum", incoming ? call.remoteNumber : configuration.directoryNumber)
                + "<CallReference>\(call.handle)</CallReference><CallDuration>0</CallDuration></CallInfo>"
        }
        return xml + "</CallLineInfo></CallStateChangeEvent>"
    }

    private static func hookEvent(_ name: String) -> String {
        "<\(name)><PhoneIP>127.0.0.1</PhoneIP><MACAddress>0004f2aabbcc</MACAddress><TimeStamp>\(timestamp())</TimeStamp></\(name)>"
    }

    private static func element(_ name: String, _ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return "<\(name)>\(escaped)</\(name)>"
    }

    private static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }

    /// The text of the push body's `<Data>` element, entities decoded.
    private static func dataContent(of body: String) -> String? {
        guard body.hasPrefix("<PolycomIPPhone>"), body.hasSuffix("</PolycomIPPhone>"),
            let open = body.range(of: "<Data"), let close = body.range(of: "</Data>"),
            let tagEnd = body[open.upperBound...].firstIndex(of: ">"), tagEnd < close.lowerBound
        else { return nil }
        var text = String(body[body.index(after: tagEnd)..<close.lowerBound])
        guard !text.contains("<") else { return nil }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    private static func status(_ code: String) -> Response {
        json(["Status": code])
    }

    private static func json(_ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Why the Poly emulator could not do what a test asked.
public enum PolyEmulatorError: Error {
    case noNotificationURL
}
