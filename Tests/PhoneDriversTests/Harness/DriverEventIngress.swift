import PhoneDrivers
import TestSupport

/// Serves `driver`'s event route over real HTTP while `body` runs, answering each callback as the bridge would.
///
/// `body` gets the ingress and the provisioning input (event base URL and a fresh token) from which a driver
/// prints the callback URLs an emulated phone then loads.
func withEventIngress<Result>(
    phoneID: String, driver: some PhoneDriver, _ body: (TestEventIngress, PhoneProvisioning) async throws -> Result
) async throws -> Result {
    let token = "tok-\(UInt64.random(in: 0...UInt64.max))"
    return try await TestEventIngress.with(
        phoneID: phoneID, token: token,
        handler: { callback in bridgeAnswer(await driver.receive(PhoneEventRequest(callback))) }
    ) { ingress in
        try await body(
            ingress, PhoneProvisioning(eventBaseURL: ingress.eventBaseURL, eventToken: token, bridgeHost: "127.0.0.1"))
    }
}

/// The HTTP answer the bridge's ingress gives for a driver's verdict on a callback.
func bridgeAnswer(_ result: PhoneEventIngressResult) -> TestEventIngress.Answer {
    switch result {
    case .accepted(let body): TestEventIngress.Answer(status: 200, body: body)
    case .malformed(let reason): TestEventIngress.Answer(status: 400, body: "malformed event: \(reason)\n")
    case .unknownRoute: TestEventIngress.Answer(status: 404, body: "unknown event route\n")
    }
}

extension PhoneEventRequest {
    /// The callback as the bridge hands it to a driver.
    init(_ callback: TestEventIngress.Callback) {
        self.init(
            method: callback.method, subpath: callback.subpath, query: callback.query, headers: callback.headers,
            body: callback.body)
    }
}
