/// Sends ``SnomRequest``s to one phone and turns HTTP outcomes into ``PhoneCommandError``s an installer can act on.
struct SnomClient: Sendable {
    private let endpoint: PhoneEndpoint
    private let authentication: HTTPAuthentication
    private let scheme: SnomOptions.AuthScheme
    private let http: any PhoneHTTPTransport

    private var phoneID: String { endpoint.phoneID }

    /// Responses are HTML pages nobody reads; a small cap keeps a misbehaving phone from costing memory.
    private static let maximumResponseBytes = 256 * 1024

    init(configuration: PhoneConfiguration, scheme: SnomOptions.AuthScheme, http: any PhoneHTTPTransport)
        throws(DriverOptionError)
    {
        endpoint = try PhoneEndpoint(configuration, urlHint: "a Snom phone needs url: http(s)://<phone address>")
        self.scheme = scheme
        if let user = configuration.username {
            let password = configuration.password ?? ""
            authentication = scheme == .digest ? .digest(user: user, password: password) : .basic(user: user, password: password)
        } else {
            authentication = .none
        }
        self.http = http
    }

    /// Sends one request; any 2xx or 3xx answer is success (`number=` answers 302, keys 200).
    @discardableResult
    func send(_ request: SnomRequest, purpose: String) async throws(PhoneCommandError) -> HTTPResponse {
        let httpRequest = endpoint.request(
            request.target, authentication: authentication, maxResponseBytes: Self.maximumResponseBytes)
        let response: HTTPResponse
        do {
            response = try await http.execute(httpRequest)
        } catch let error as HTTPClientError {
            throw Self.failure(error, phoneID: phoneID, purpose: purpose)
        } catch {
            throw .unreachable("Snom phone \(phoneID): the \(purpose) request was cancelled")
        }
        switch response.status {
        case 200..<400:
            return response
        case 401:
            throw .rejected(
                "Snom phone \(phoneID) refused the bridge's login (HTTP 401): make drivers.yaml username/password "
                    + "match the phone's http_user/http_pass, and options.authScheme match its http_scheme "
                    + "(currently \(scheme.rawValue): off = basic, on = digest)")
        case 403:
            throw .rejected(
                "Snom phone \(phoneID) forbids remote control (HTTP 403): check http_user/http_pass and, if the HTTP "
                    + "and administrator passwords all differ from the defaults, set hidden tags to off")
        case 404:
            throw .notSupported(
                "Snom phone \(phoneID) has no command.htm remote control (HTTP 404; D8xx firmware?): "
                    + "set options.remoteControl: false")
        default:
            throw .rejected("Snom phone \(phoneID) answered the \(purpose) request with HTTP \(response.status)")
        }
    }

    private static func failure(_ error: HTTPClientError, phoneID: String, purpose: String) -> PhoneCommandError {
        switch error {
        case .invalidURL:
            .unreachable("Snom phone \(phoneID): url in drivers.yaml is not a usable http(s) URL")
        case .invalidRequest(let reason):
            .unreachable("Snom phone \(phoneID): the \(purpose) request could not be built (\(reason))")
        case .timedOut:
            .unreachable("Snom phone \(phoneID) did not answer the \(purpose) request in time")
        case .connectFailed, .tls, .transport, .responseTooLarge, .shutDown:
            .unreachable("Snom phone \(phoneID) is unreachable (\(error))")
        }
    }
}
