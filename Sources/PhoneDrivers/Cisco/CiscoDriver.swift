import CallModel

/// Cisco IP phones on CUCM (79xx, 78xx, 88xx, Desk 9800): control through `CiscoIPPhoneExecute`, no events.
///
/// Each command POSTs `XML=<CiscoIPPhoneExecute><ExecuteItem Priority="0" URL="…"/></CiscoIPPhoneExecute>`
/// (form-encoded) to `/CGI/Execute` with HTTP Basic; the phone checks the credentials against the
/// Authentication URL of its CUCM, so `CiscoIPPhoneError Number="4"` means CUCM said no.
///
/// | model family | capabilities |
/// | --- | --- |
/// | 79xx | dial, answer, hangup (hold/resume only with `holdKey`) |
/// | 78xx, 88xx (default) | dial, answer, hangup, hold, resume (`Key:Hold`) |
/// | Desk 9800 | dial, answer, hangup, hold, resume (`Key:FixedFeature3`) |
///
/// No transfer, DND or forwarding: there is no URI for them that works in every call state.
///
/// Events: NONE. Cisco phones send no call events over HTTP (they need CUCM JTAPI/TAPI); this driver is
/// control-only and answers every event callback with "unknown route". With `callInfo: true`, `listCalls()`
/// reads the phone's call page so the bridge can reconcile; that page shows one line (`callInfoPath`) and
/// is read only when the bridge asks, so calls that start and end between reads are never seen.
///
/// UNCONFIRMED, and how it is configurable:
/// - No state-independent hang-up URI: `hangupKey` defaults to `Key:Speaker` (ends a call on the speaker,
///   where `Dial:` and the default `answerKey: Key:Speaker` put it); set `Key:Soft2` (EndCall soft key) otherwise.
/// - The Hold key toggles, so `hold` on a held call resumes it; `holdKey: none` switches hold off.
/// - `+` in `Dial:` on older firmware: `plusPrefix: "00"` dials `00` instead.
/// - The call page's path (`/CGI/Java/CallInfo<line>` in the CUCM admin guides, `/CGI/CallInfo` in a
///   third-party tool) and its `CallState` names other than `CONNECTED`: `callInfoPath:`.
/// - The probe reads `/DeviceInformationX`, which proves the phone answers but not that CUCM accepts the
///   credentials (only an Execute does; the first command then reports Error 4 as rejected).
public struct CiscoDriver: PhoneDriver {
    /// The registry entry for `driver: cisco`, sending requests through the bridge's shared HTTP client.
    public static let descriptor = descriptor(transport: nil)

    /// The registry entry for `driver: cisco`, sending requests through `transport`.
    public static func descriptor(transport: (any PhoneHTTPTransport)?) -> PhoneDriverDescriptor {
        PhoneDriverDescriptor(
            name: "cisco", requiresURL: true,
            validate: { (configuration: PhoneConfiguration) throws(DriverOptionError) in
                _ = try CiscoSettings(configuration)
            },
            make: { configuration, context in
                try CiscoDriver(configuration: configuration, context: context, transport: transport ?? context.http)
            },
            provisioning: { configuration, provisioning in
                CiscoProvisioning.text(configuration: configuration, provisioning: provisioning)
            })
    }

    public let capabilities: Set<PhoneCapability>
    private let settings: CiscoSettings
    private let transport: any PhoneHTTPTransport
    private let parser = SafeXMLParser(limits: XMLParsingLimits(maxBytes: 64 * 1024, maxDepth: 16, maxElements: 2048))

    /// Creates the driver for one phone; does no I/O.
    public init(configuration: PhoneConfiguration, context: PhoneDriverContext, transport: any PhoneHTTPTransport) throws {
        settings = try CiscoSettings(configuration)
        self.transport = transport
        var capabilities: Set<PhoneCapability> = [.dial, .answer, .hangup]
        if settings.options.holdKey != nil { capabilities.formUnion([.hold, .resume]) }
        self.capabilities = capabilities
    }

    public func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        let options = settings.options
        switch command {
        case .dial(let destination):
            guard destination.kind == .number else {
                throw .notSupported("Cisco Dial: takes digits only, not a SIP URI")
            }
            try await execute(CiscoRequests.dialURI(destination, plusPrefix: options.plusPrefix), action: "dial")
        case .answer:
            try await execute(options.answerKey, action: "answer")
        case .hangup:
            try await execute(options.hangupKey, action: "hang up")
        case .hold, .resume:
            guard let key = options.holdKey else { throw .notSupported("this Cisco model has no Hold key URI") }
            try await execute(key, action: command.capability.rawValue)
        case .transfer, .setDoNotDisturb, .setForwarding:
            throw .notSupported("Cisco phones have no \(command.capability.rawValue) URI")
        }
        // The phone acts on "the current call" and reports no call id.
        return PhoneCommandOutcome()
    }

    public func probe() async -> PhoneHealth {
        let request = settings.request(CiscoRequests.deviceInformationPath, method: .get)
        do throws(PhoneCommandError) {
            let response = try await send(request)
            if response.status == 401 || response.status == 403 {
                return .rejected(code: "rejected", message: httpRefusal(response.status))
            }
            return .reachable
        } catch {
            return .unreachable(code: "unreachable", message: error.message)
        }
    }

    public func listCalls() async throws(PhoneCommandError) -> [PhoneCallSnapshot]? {
        guard settings.options.callInfo else { return nil }
        let response = try await send(settings.request(settings.options.callInfoPath, method: .get))
        guard response.isSuccess else {
            if response.status == 401 || response.status == 403 { throw .rejected(httpRefusal(response.status)) }
            throw .unreachable("phone \(settings.phoneID) answered its call page with HTTP \(response.status)")
        }
        guard let root = try? parser.parse(response.body), let calls = CiscoCallInfo.calls(in: root) else {
            throw .unreachable(
                "phone \(settings.phoneID) answered \(settings.options.callInfoPath) without CiscoIPPhoneCallLineInfo; "
                    + "check callInfoPath")
        }
        return calls
    }

    // MARK: Execute

    private func execute(_ uri: String, action: String) async throws(PhoneCommandError) {
        let body: [UInt8]
        do {
            body = try CiscoRequests.executeBody(uri: uri)
        } catch {
            throw .invalidState("cannot \(action): \(error)")
        }
        let response = try await send(
            settings.request(
                CiscoRequests.executePath, method: .post, body: body, contentType: CiscoRequests.formContentType))
        if response.status == 401 || response.status == 403 || response.status == 404 {
            throw .rejected(httpRefusal(response.status))
        }
        guard let root = try? parser.parse(response.body), let result = CiscoExecuteResult(root) else {
            throw .unreachable(
                "phone \(settings.phoneID) answered \(action) with HTTP \(response.status) but no CiscoIPPhoneResponse")
        }
        switch result {
        case .error(let number, _):
            throw CiscoErrorNumber.error(number: number, phoneID: settings.phoneID, user: settings.username, action: action)
        case .response(let items):
            if let failed = items.first(where: { $0.status != "0" }) {
                throw .invalidState(
                    "phone \(settings.phoneID) could not \(action): \(failed.url.prefix(64)) returned status "
                        + "\(failed.status.prefix(8)) \(failed.data.prefix(64))")
            }
        }
    }

    private func httpRefusal(_ status: Int) -> String {
        switch status {
        case 401:
            return CiscoErrorNumber.authenticationHelp(phoneID: settings.phoneID, user: settings.username)
        default:
            return "phone \(settings.phoneID) refused the request (HTTP \(status)): enable Web Access in the phone's "
                + "CUCM configuration and check the Authentication URL"
        }
    }

    private func send(_ request: HTTPRequest) async throws(PhoneCommandError) -> HTTPResponse {
        do {
            return try await transport.execute(request)
        } catch let error as HTTPClientError {
            let redacted = SecretRedaction.redact("\(error)", removing: request.secrets)
            if case .tls = error {
                throw .unreachable(
                    "phone \(settings.phoneID): \(redacted); set caFile for its certificate or insecureTLS: true")
            }
            throw .unreachable("phone \(settings.phoneID) did not answer \(request.description): \(redacted)")
        } catch {
            throw .unreachable("phone \(settings.phoneID): the request was cancelled")
        }
    }
}

/// Everything a Cisco driver reads from its phone entry, checked once.
struct CiscoSettings: Sendable {
    var endpoint: PhoneEndpoint
    var username: String
    var password: String
    var options: CiscoOptions

    var phoneID: String { endpoint.phoneID }

    init(_ configuration: PhoneConfiguration) throws(DriverOptionError) {
        options = try CiscoOptions(model: configuration.model, options: configuration.options)
        endpoint = try PhoneEndpoint(configuration, urlHint: "expected the phone's http:// or https:// address")
        guard let username = configuration.username, !username.isEmpty else {
            throw DriverOptionError(
                keyPath: "username", message: "the CUCM user (associated with the phone, CTI roles) the phone checks")
        }
        guard let password = configuration.password, !password.isEmpty else {
            throw DriverOptionError(keyPath: "password", message: "the CUCM user's password")
        }
        self.username = username
        self.password = password
    }

    /// A Basic-authenticated request to `path` on this phone.
    func request(_ path: String, method: HTTPMethod, body: [UInt8]? = nil, contentType: String? = nil) -> HTTPRequest {
        endpoint.request(
            path, method: method, body: body, contentType: contentType,
            authentication: .basic(user: username, password: password), maxResponseBytes: 256 * 1024)
    }
}
