import Foundation
import Hummingbird
import Synchronization

/// A Cisco CUCM phone on 127.0.0.1: `POST /CGI/Execute` (form field `XML`, HTTP Basic checked as CUCM's
/// authentication URL would), `CiscoIPPhoneResponse` / `CiscoIPPhoneError` answers, a small call state driven by
/// `Dial:` and `Key:` URIs, `/DeviceInformationX`, and the call page `/CGI/Java/CallInfo1`.
///
/// It sends no events, like the real phone. The server can be stopped and started again on the same port.
public final class CiscoPhoneEmulator: HTTPPhoneEmulator {
    /// How the emulated phone (and its CUCM) is set up.
    public struct Configuration: Sendable {
        /// The CUCM user the authentication URL accepts, with its password.
        public var user = "ctiuser"
        public var password = "Cucm-Pa55"
        /// The user is associated with the device and has the CTI roles; false → Error 4 even with the password.
        public var deviceAssociated = true
        /// Web Access enabled; false → every path answers 404.
        public var webAccess = true

        public init() {}
    }

    /// One call as the phone holds it.
    public struct Call: Sendable, Equatable {
        public var reference: String
        /// `RINGIN`, `RINGOUT`, `CONNECTED`, `HOLD`.
        public var state: String
        /// `INBOUND` or `OUTBOUND`.
        public var type: String
        public var remote: String
    }

    private struct State: Sendable {
        var calls: [Call] = []
        var nextReference = 30_303_060
        var requests: [ReceivedHTTPRequest] = []
        var executedURIs: [String] = []
    }

    public let configuration: Configuration
    private let state = Mutex(State())
    public let webServer = RestartableHTTPServer(name: "CiscoPhoneEmulator", serverName: "Cisco")

    private init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Starts an emulator, runs `body`, then stops it (also when `body` throws).
    public static func withEmulator<Result: Sendable>(
        _ configuration: Configuration = Configuration(),
        _ body: (CiscoPhoneEmulator) async throws -> Result
    ) async throws -> Result {
        let emulator = CiscoPhoneEmulator(configuration: configuration)
        try await emulator.start()
        return try await withAsyncDefer({ await emulator.stop() }) { try await body(emulator) }
    }

    /// Every request received, in order.
    public var requests: [ReceivedHTTPRequest] { state.withLock { $0.requests } }
    /// Every internal URI the phone executed (after authentication), in order.
    public var executedURIs: [String] { state.withLock { $0.executedURIs } }
    /// The live calls.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// An inbound call starts ringing; returns its reference.
    @discardableResult
    public func ring(from number: String) -> String {
        state.withLock { state in
            let call = Call(reference: Self.newReference(&state), state: "RINGIN", type: "INBOUND", remote: number)
            state.calls.append(call)
            return call.reference
        }
    }

    /// The far end of an outgoing call answers.
    public func farEndAnswers() {
        state.withLock { state in
            if let index = state.calls.firstIndex(where: { $0.state == "RINGOUT" }) { state.calls[index].state = "CONNECTED" }
        }
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
        router.post("/CGI/Execute") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 40 * 1024)
            return self.execute(request, form: String(buffer: body))
        }
        router.get("/DeviceInformationX") { _, _ in
            guard self.configuration.webAccess else { return Response(status: .notFound) }
            return Self.xml("<DeviceInformation><HostName>SEP001122334455</HostName><modelNumber>CP-8845</modelNumber></DeviceInformation>")
        }
        router.get("/CGI/Java/CallInfo1") { request, _ in
            guard self.configuration.webAccess else { return Response(status: .notFound) }
            guard self.hasCredentials(request) else {
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: #"Basic realm="Cisco""#])
            }
            return Self.xml(self.callPage())
        }
        return router
    }

    private func hasCredentials(_ request: Request) -> Bool {
        request.headers[.authorization] == basicAuthorization(user: configuration.user, password: configuration.password)
    }

    private func execute(_ request: Request, form: String) -> Response {
        guard configuration.webAccess else { return Response(status: .notFound) }
        guard request.headers[.authorization]?.hasPrefix("Basic ") == true else {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: #"Basic realm="Cisco""#])
        }
        // The phone asks CUCM's authentication URL; a wrong password or a missing association is Error 4.
        guard hasCredentials(request), configuration.deviceAssociated else {
            return Self.xml(#"<CiscoIPPhoneError Number="4"/>"#)
        }
        guard request.headers[.contentType] == "application/x-www-form-urlencoded",
            let xml = Self.formField("XML", in: form), let uris = Self.executeItems(in: xml), (1...3).contains(uris.count)
        else { return Self.xml(#"<CiscoIPPhoneError Number="1"/>"#) }
        var items = ""
        for uri in uris {
            state.withLock { $0.executedURIs.append(uri) }
            let status = perform(uri) ? "0" : "1"
            items += #"<ResponseItem Status="\#(status)" Data="" URL="\#(Self.escaped(uri))"/>"#
        }
        return Self.xml("<CiscoIPPhoneResponse>\(items)</CiscoIPPhoneResponse>")
    }

    /// Executes one URI against the call state; false when the phone cannot.
    private func perform(_ uri: String) -> Bool {
        state.withLock { state in
            if uri.hasPrefix("Dial:") {
                let digits = String(uri.dropFirst(5))
                guard !digits.isEmpty, digits.allSatisfy({ "0123456789*#+,ABCD".contains($0) }) else { return false }
                state.calls.append(
                    Call(reference: Self.newReference(&state), state: "RINGOUT", type: "OUTBOUND", remote: digits))
                return true
            }
            switch uri {
            case "Key:Speaker", "Key:Headset":
                if let index = state.calls.firstIndex(where: { $0.state == "RINGIN" }) {
                    state.calls[index].state = "CONNECTED"
                } else if let index = state.calls.firstIndex(where: { $0.state == "CONNECTED" || $0.state == "RINGOUT" }) {
                    state.calls.remove(at: index)
                }
                return true
            case "Key:Soft2":
                if let index = state.calls.firstIndex(where: { $0.state == "CONNECTED" }) { state.calls.remove(at: index) }
                return true
            case "Key:Hold", "Key:FixedFeature3":
                if let index = state.calls.firstIndex(where: { $0.state == "CONNECTED" }) {
                    state.calls[index].state = "HOLD"
                } else if let index = state.calls.firstIndex(where: { $0.state == "HOLD" }) {
                    state.calls[index].state = "CONNECTED"
                }
                return true
            default:
                // Keys the phone has but the call state ignores; any other name is an error item.
                return ["Key:Soft1", "Key:Soft3", "Key:Soft4", "Key:Mute", "Key:FixedFeature1"].contains(uri)
            }
        }
    }

    private func callPage() -> String {
        var page = "<CiscoIPPhoneCallLineInfo><Prompt/><Notify/><Status/><LineDirNum>1030</LineDirNum>"
            + "<LineState>\(calls.isEmpty ? "IDLE" : "CONNECTED")</LineState>"
        for call in calls {
            let inbound = call.type == "INBOUND"
            page += "<CiscoIPPhoneCallInfo><CallState>\(call.state)</CallState><CallType>\(call.type)</CallType>"
                + "<CallingPartyName/><CallingPartyDirNum>\(Self.escaped(inbound ? call.remote : "1030"))</CallingPartyDirNum>"
                + "<CalledPartyName/><CalledPartyDirNum>\(Self.escaped(inbound ? "1030" : call.remote))</CalledPartyDirNum>"
                + "<HuntPilotName/><CallReference>\(call.reference)</CallReference><CallDuration>0</CallDuration>"
                + "<CallStatus>null</CallStatus></CiscoIPPhoneCallInfo>"
        }
        return page + "</CiscoIPPhoneCallLineInfo>"
    }

    private static func newReference(_ state: inout State) -> String {
        defer { state.nextReference += 1 }
        return String(state.nextReference)
    }

    /// The decoded value of a form field (`+` is a space, `%XX` a byte).
    private static func formField(_ name: String, in form: String) -> String? {
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    /// The `URL` attributes of `<ExecuteItem>`s in a `<CiscoIPPhoneExecute>`, entities decoded.
    private static func executeItems(in xml: String) -> [String]? {
        guard xml.hasPrefix("<CiscoIPPhoneExecute>"), xml.hasSuffix("</CiscoIPPhoneExecute>") else { return nil }
        var uris: [String] = []
        var rest = Substring(xml)
        while let item = rest.range(of: "<ExecuteItem ") {
            guard let end = rest[item.upperBound...].range(of: "/>") else { return nil }
            let attributes = rest[item.upperBound..<end.lowerBound]
            guard let url = attributes.range(of: #"URL=""#),
                let close = attributes[url.upperBound...].firstIndex(of: "\"")
            else { return nil }
            var value = String(attributes[url.upperBound..<close])
            for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
                value = value.replacingOccurrences(of: entity, with: character)
            }
            uris.append(value)
            rest = rest[end.upperBound...]
        }
        return uris
    }

    private static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func xml(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/xml"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
