/// Sends ``GrandstreamRequest``s to one phone with its passcode and turns the answers into actionable errors.
///
/// The passcode travels in the query string, as the CTI API requires; the URL is therefore never logged or put
/// in an error message here, and ``PhoneHTTPClient`` redacts `passcode`/`password` values from its own logs.
struct GrandstreamClient: Sendable {
    private let endpoint: PhoneEndpoint
    private let passcodeParameter: String
    private let passcode: String
    private let http: any PhoneHTTPTransport

    private var phoneID: String { endpoint.phoneID }

    private static let maximumResponseBytes = 64 * 1024

    init(configuration: PhoneConfiguration, passcodeParameter: String, http: any PhoneHTTPTransport)
        throws(DriverOptionError)
    {
        endpoint = try PhoneEndpoint(configuration, urlHint: "a Grandstream phone needs url: http(s)://<phone address>")
        guard let passcode = configuration.password, !passcode.isEmpty else {
            throw DriverOptionError(
                keyPath: "password", message: "a Grandstream phone needs its CTI passcode (admin or user password)")
        }
        self.passcodeParameter = passcodeParameter
        self.passcode = passcode
        self.http = http
    }

    /// Sends one request and returns the phone's successful answer.
    func send(_ request: GrandstreamRequest, purpose: String) async throws(PhoneCommandError) -> GrandstreamResponse {
        var target = "/cgi-bin/" + request.function + "?" + passcodeParameter + "=" + GrandstreamRequest.encoded(passcode)
        if !request.parameters.isEmpty { target += "&" + request.parameters }
        let httpRequest = endpoint.request(target, authentication: .none, maxResponseBytes: Self.maximumResponseBytes)
        let response: HTTPResponse
        do {
            response = try await http.execute(httpRequest)
        } catch let error as HTTPClientError {
            throw failure(error, purpose: purpose)
        } catch {
            throw .unreachable("Grandstream phone \(phoneID): the \(purpose) request was cancelled")
        }
        switch response.status {
        case 200..<300:
            break
        case 401, 403:
            throw .rejected(refusal("HTTP \(response.status)"))
        case 404:
            throw .notSupported(
                "Grandstream phone \(phoneID) has no CTI API (\(request.function) answered HTTP 404): "
                    + "check the model and firmware")
        default:
            throw .rejected("Grandstream phone \(phoneID) answered the \(purpose) request with HTTP \(response.status)")
        }
        guard let answer = GrandstreamResponse(json: response.body) else {
            throw .rejected(
                "Grandstream phone \(phoneID) answered the \(purpose) request with something that is not CTI JSON "
                    + "(newer firmware may require session login instead of the passcode)")
        }
        guard answer.success else {
            if answer.body == .bool(false) {
                throw .invalidState("Grandstream phone \(phoneID) did not accept \(purpose) in its current state")
            }
            throw .rejected(refusal("\(purpose) answered error"))
        }
        return answer
    }

    /// What to fix when the phone refuses the bridge.
    private func refusal(_ what: String) -> String {
        "Grandstream phone \(phoneID) refused remote control (\(what)): check the passcode in drivers.yaml "
            + "(the phone's admin or user password), set \"Enable Action URI Support\" to Yes, add the bridge to "
            + "\"Action URI Allowed IP List\", and set \"Remote Control Pop up Window Support\" to Disabled"
    }

    private func failure(_ error: HTTPClientError, purpose: String) -> PhoneCommandError {
        switch error {
        case .invalidURL:
            .unreachable("Grandstream phone \(phoneID): url in drivers.yaml is not a usable http(s) URL")
        case .timedOut:
            .unreachable("Grandstream phone \(phoneID) did not answer the \(purpose) request in time")
        case .invalidRequest, .connectFailed, .tls, .transport, .responseTooLarge, .shutDown:
            .unreachable("Grandstream phone \(phoneID) is unreachable (\(SecretRedaction.redact("\(error)", removing: [passcode])))")
        }
    }
}
