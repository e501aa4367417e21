/// The Push API of one phone: internal URIs POSTed to `/push` with HTTP Digest.
struct PolyPush: Sendable {
    let settings: PolySettings
    let transport: any PhoneHTTPTransport

    private var authentication: HTTPAuthentication {
        .digest(user: settings.username, password: settings.password)
    }

    private var credentialsHelp: String {
        "check that apps.push.username and apps.push.password on the phone equal this phone's username and password "
            + "in drivers.yaml"
    }

    /// Pushes one internal URI. The phone answers at once and gives no feedback on the effect.
    func push(uri: String, action: String) async throws(PhoneCommandError) {
        let body: [UInt8]
        do {
            body = try PolyRequests.pushBody(uri: uri, priority: settings.options.pushPriority)
        } catch {
            throw .invalidState("cannot \(action): \(error)")
        }
        let request = settings.request(
            PolyRequests.pushPath, method: .post, body: body, contentType: PolyRequests.pushContentType,
            authentication: authentication)
        let response = try await PolyHTTP.execute(request, transport: transport, phoneID: settings.phoneID)
        switch response.status {
        case 200..<300:
            return
        case 401:
            throw .rejected("phone \(settings.phoneID) refused the push credentials (401): \(credentialsHelp)")
        case 404:
            throw .rejected(
                "phone \(settings.phoneID) has no push endpoint (404): enable the web server (httpd.enabled=1) and "
                    + "set apps.push.username/password")
        default:
            throw .rejected(
                "phone \(settings.phoneID) refused the push (HTTP \(response.status)): set apps.push.messageType to "
                    + "\(settings.options.pushPriority.messageType) (\(settings.options.pushPriority.rawValue)) or 5 (all) and \(credentialsHelp)")
        }
    }

    /// `GET /push`: only the Digest check matters; a phone with the wrong credentials answers 401.
    func probe() async -> PhoneHealth {
        let request = settings.request(PolyRequests.pushPath, method: .get, authentication: authentication)
        do throws(PhoneCommandError) {
            let response = try await PolyHTTP.execute(request, transport: transport, phoneID: settings.phoneID)
            if response.status == 401 {
                return .rejected(
                    code: "rejected", message: "phone \(settings.phoneID) refused the push credentials (401): \(credentialsHelp)")
            }
            return .reachable
        } catch {
            return .unreachable(code: "unreachable", message: error.message)
        }
    }
}
