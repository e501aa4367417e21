/// Turns the phone's HTTP answers into the contract's errors, with messages an installer can act on.
enum YealinkResponses {
    /// What the phone's web server says before the user pressed OK on "Allow remote control?".
    static let remoteControlForbidden = "remote control forbidden"

    /// Nil when the phone accepted the request, else the error to report.
    static func failure(status: Int, body: String, phoneID: String) -> PhoneCommandError? {
        // Checked before the status: which status firmware pairs with this text is not documented.
        if body.lowercased().contains(remoteControlForbidden) {
            return .rejected(
                "phone \(phoneID) answered 'Remote control forbidden': press OK on its 'Allow remote control?' "
                    + "prompt once, or provision features.show_action_uri_option = 0; the bridge's address must "
                    + "also be in Features > Remote Control > Action URI Allow IP List (features.action_uri_limit_ip)")
        }
        switch status {
        case 200..<300:
            return nil
        case 401:
            return .rejected(
                "phone \(phoneID) refused the web user name or password (HTTP 401): set username/password in "
                    + "drivers.yaml to the phone's web login (or options.auth: digest if the firmware wants Digest); "
                    + "Yealink locks the web login for minutes after repeated failures")
        case 403:
            return .rejected(
                "phone \(phoneID) refused remote control from the bridge (HTTP 403): add the bridge's address to "
                    + "Features > Remote Control > Action URI Allow IP List (features.action_uri_limit_ip; blank "
                    + "rejects everyone) and check the web credentials")
        case 404:
            return .rejected(
                "phone \(phoneID) has no Action URI at this path (HTTP 404): set features.action_uri.enable = 1, "
                    + "or options.path to a legacy path for old firmware")
        case 500...:
            return .unreachable("phone \(phoneID) failed the request (HTTP \(status))")
        default:
            return .rejected("phone \(phoneID) refused the request (HTTP \(status))")
        }
    }

    /// The error for a request that got no HTTP answer; never carries the URL (it may hold credentials).
    static func failure(_ error: any Error, phoneID: String) -> PhoneCommandError {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .invalidURL:
                return .unreachable("phone \(phoneID) has no usable url: expected http://<address> or https://<address>")
            case .timedOut:
                return .unreachable("phone \(phoneID) did not answer in time")
            case .connectFailed, .transport, .shutDown, .responseTooLarge, .invalidRequest:
                return .unreachable("phone \(phoneID) could not be reached: \(error)")
            case .tls(let message):
                return .unreachable(
                    "phone \(phoneID): TLS failed (\(message)); set caFile to the phone's certificate or "
                        + "insecureTLS: true for a self-signed one")
            }
        case is CancellationError:
            return .unreachable("the request to phone \(phoneID) was cancelled")
        default:
            return .unreachable("phone \(phoneID) could not be reached")
        }
    }
}
