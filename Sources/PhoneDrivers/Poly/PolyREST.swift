import CallModel

/// The REST API of one phone: sends call-control requests and reads callStatus, mapping every failure.
struct PolyREST: Sendable {
    let settings: PolySettings
    let transport: any PhoneHTTPTransport

    private var authentication: HTTPAuthentication {
        .basic(user: settings.username, password: settings.password)
    }

    /// Sends a call-control POST; returns when the phone reports `Status 2000`.
    func send(_ request: PolyRESTRequest, action: String) async throws(PhoneCommandError) {
        let response = try await exchange(
            settings.request(
                request.path, method: .post, body: request.body, contentType: PolyRequests.jsonContentType,
                authentication: authentication),
            action: action)
        guard response.isSuccess else { throw PolyRESTStatus.error(for: response.status, action: action) }
    }

    /// The phone's live calls from callStatus.
    func callStatus() async throws(PhoneCommandError) -> [PhoneCallSnapshot] {
        let path = PolyRequests.callStatusPath(version: settings.options.callStatusVersion)
        let response = try await exchange(settings.request(path, method: .get, authentication: authentication), action: "list calls")
        if response.status == "4007" { return [] }
        guard response.isSuccess else { throw PolyRESTStatus.error(for: response.status, action: "list calls") }
        return PolyCallStatus.calls(in: response)
    }

    /// Reads device info: proves the phone is there and takes our credentials.
    func probe() async -> PhoneHealth {
        do throws(PhoneCommandError) {
            let response = try await exchange(
                settings.request(PolyRequests.deviceInfoPath, method: .get, authentication: authentication),
                action: "read device info")
            if !response.isSuccess, case .rejected(let message) = PolyRESTStatus.error(for: response.status, action: "probe") {
                return .rejected(code: "rejected", message: message)
            }
            return .reachable
        } catch {
            switch error {
            case .rejected(let message): return .rejected(code: "rejected", message: message)
            case .unreachable(let message): return .unreachable(code: "unreachable", message: message)
            default: return .reachable
            }
        }
    }

    /// One request: HTTP-level refusals and transport failures become command errors; the body must be a REST
    /// response.
    private func exchange(_ request: HTTPRequest, action: String) async throws(PhoneCommandError) -> PolyRESTResponse {
        let response = try await PolyHTTP.execute(request, transport: transport, phoneID: settings.phoneID)
        switch response.status {
        case 401:
            throw .rejected(
                "phone \(settings.phoneID) refused the REST credentials (401): the user is \(settings.username) and "
                    + "the password must be the phone's admin password; check the phone's password in drivers.yaml")
        case 403:
            throw .rejected(
                "phone \(settings.phoneID) refused the REST request (403): the REST API handles one request at a time "
                    + "(is another application using it?) and must be enabled with apps.restapi.enabled=1")
        case 404:
            throw .rejected(
                "phone \(settings.phoneID) has no REST API (404): set apps.restapi.enabled=1 and httpd.enabled=1, or "
                    + "set options.api: push for firmware before UCS 5.9")
        default:
            guard let decoded = PolyRESTResponse(body: response.body) else {
                throw .unreachable(
                    "phone \(settings.phoneID) answered \(action) with HTTP \(response.status) but no Poly REST status")
            }
            return decoded
        }
    }
}

/// Transport failures of requests to Poly phones, in the contract's terms and without secrets.
enum PolyHTTP {
    static func execute(_ request: HTTPRequest, transport: any PhoneHTTPTransport, phoneID: String)
        async throws(PhoneCommandError) -> HTTPResponse
    {
        do {
            return try await transport.execute(request)
        } catch let error as HTTPClientError {
            let redacted = SecretRedaction.redact("\(error)", removing: request.secrets)
            switch error {
            case .tls:
                throw .unreachable(
                    "phone \(phoneID): \(redacted); set caFile for its certificate or insecureTLS: true for a self-signed one")
            default:
                throw .unreachable("phone \(phoneID) did not answer \(request.description): \(redacted)")
            }
        } catch {
            throw .unreachable("phone \(phoneID): the request was cancelled")
        }
    }
}
