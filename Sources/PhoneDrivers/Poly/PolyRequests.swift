import CallModel
import Foundation

/// A REST call-control action that targets one call by its handle (`{"data":{"Ref":"<CallHandle>"}}`).
enum PolyCallAction: String, Sendable, CaseIterable {
    case answer = "answerCall"
    case end = "endCall"
    case hold = "holdCall"
    case resume = "resumeCall"

    /// The call states (as callStatus reports them) in which the action makes sense, best candidate first.
    var applicableStates: [ConnectionState] {
        switch self {
        case .answer: [.alerting]
        case .end: [.connected, .held, .initiated, .alerting]
        case .hold: [.connected]
        case .resume: [.held]
        }
    }

    /// The verb for messages ("no call to answer").
    var verb: String {
        switch self {
        case .answer: "answer"
        case .end: "hang up"
        case .hold: "hold"
        case .resume: "resume"
        }
    }
}

/// One REST request: a path below the phone's base URL and, for POSTs, its JSON body.
struct PolyRESTRequest: Sendable, Equatable {
    var path: String
    var body: [UInt8]?
}

/// Poly's requests as data: every command's path and body, REST and Push.
///
/// | command | REST (`Polycom:<admin>` Basic) | Push (Digest `apps.push.*`) |
/// | --- | --- | --- |
/// | dial | `POST /api/v1/callctrl/dial` `{"data":{"Dest":…,"Line":"1","Type":"TEL"\|"SIP"}}` | `<Data>tel:\\<n></Data>` or `sip:<uri>` |
/// | answer | `POST /api/v1/callctrl/answerCall` `{"data":{"Ref":…}}` | `pushAnswerKey` if configured |
/// | hangup | `POST /api/v1/callctrl/endCall` `{"data":{"Ref":…}}` | `pushHangupKey` if configured |
/// | hold / resume | `POST /api/v1/callctrl/holdCall` / `resumeCall` `{"data":{"Ref":…}}` | — |
/// | list calls | `GET /api/v1/webCallControl/callStatus` (or v2) | — |
/// | probe | `GET /api/v1/mgmt/device/info` | `GET /push` (401 = wrong credentials) |
enum PolyRequests {
    /// The push content type the phone requires for internal-URI pushes.
    static let pushContentType = "application/x-com-polycom-spipx"
    /// The REST content type.
    static let jsonContentType = "application/json"
    /// The push endpoint.
    static let pushPath = "/push"
    /// The cheap authenticated REST read used as a health probe.
    static let deviceInfoPath = "/api/v1/mgmt/device/info"

    /// The callStatus path for a version (`v1` reports one call, `v2` every call).
    static func callStatusPath(version: String) -> String {
        "/api/\(version)/webCallControl/callStatus"
    }

    /// `POST /api/v1/callctrl/dial`; `Type` follows the destination's kind.
    static func dial(_ destination: DialString, line: Int) -> PolyRESTRequest {
        let type = destination.kind == .sipURI ? "SIP" : "TEL"
        let body = DialBody(data: .init(Dest: destination.value, Line: String(line), Type: type))
        return PolyRESTRequest(path: "/api/v1/callctrl/dial", body: encode(body))
    }

    /// `POST /api/v1/callctrl/<action>` for one call handle.
    static func callAction(_ action: PolyCallAction, handle: PhoneCallID) -> PolyRESTRequest {
        PolyRESTRequest(
            path: "/api/v1/callctrl/\(action.rawValue)", body: encode(RefBody(data: .init(Ref: handle.rawValue))))
    }

    /// The internal URI that dials `destination` by push. `DialString` admits no CR/LF, so nothing can add a
    /// second URI line.
    static func pushDialURI(_ destination: DialString) -> String {
        switch destination.kind {
        case .number: #"tel:\\"# + destination.value
        case .sipURI: destination.value
        }
    }

    /// The push body `<PolycomIPPhone><Data priority="…">uri</Data></PolycomIPPhone>`, escaped by `XMLWriter`.
    static func pushBody(uri: String, priority: PolyPushPriority) throws(XMLWriteError) -> [UInt8] {
        var writer = XMLWriter(declaration: false)
        try writer.element("PolycomIPPhone") { (root: inout XMLWriter) throws(XMLWriteError) in
            try root.element("Data", attributes: ["priority": priority.rawValue], text: uri)
        }
        return Array(writer.output.utf8)
    }

    // Field names are Poly's, hence the capitalised properties.
    private struct DialBody: Encodable {
        struct Data: Encodable {
            var Dest: String
            var Line: String
            var `Type`: String
        }
        var data: Data
    }

    private struct RefBody: Encodable {
        struct Data: Encodable {
            var Ref: String
        }
        var data: Data
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these flat string structs cannot fail.
        return Array((try? encoder.encode(value)) ?? Data())
    }
}
