import CallModel
import Logging
import PhoneDrivers
import Synchronization
import Testing
import TestSupport

/// An emulated Snom phone, the driver under test, and an ingress that carries the phone's callbacks to the driver.
struct SnomHarness {
    let emulator: SnomPhoneEmulator
    let driver: SnomDriver
    let events: EventCollector
    let ingress: SnomCallbackIngress
    let logs: HTTPLogCapture
    let configuration: PhoneConfiguration
    let token: String

    /// Builds a callback request as the bridge would hand it to the driver.
    func receive(_ subpath: String, _ query: [(String, String)], method: String = "GET") async -> PhoneEventIngressResult {
        await driver.receive(PhoneEventRequest(method: method, subpath: subpath, query: query.map { ($0.0, $0.1) }))
    }
}

/// The phone's password in every Snom test; it must never appear in an error or a log line.
let snomPassword = "Sn0m-pa55!word"

/// Runs `body` with a started emulator whose action URLs come from the driver's own provisioning output.
func withSnomPhone<Result: Sendable>(
    login: SnomPhoneEmulator.Login = .basic(user: "admin", password: snomPassword),
    username: String? = "admin", password: String? = snomPassword,
    model: String? = "D785", options: [String: DriverOptionValue] = [:],
    _ body: (SnomHarness) async throws -> Result
) async throws -> Result {
    let logs = HTTPLogCapture()
    let client = PhoneHTTPClient(logger: logs.logger)
    defer { client.shutdown() }
    let emulator = SnomPhoneEmulator(login: login)
    try await emulator.start()
    let events = EventCollector()
    let configuration = PhoneConfiguration(
        id: "desk-7", driver: "snom", url: emulator.baseURL + "/", username: username, password: password,
        model: model, connectTimeout: .seconds(1), requestTimeout: .seconds(3), options: DriverOptions(options))
    let driver = try SnomDriver(
        configuration: configuration,
        context: PhoneDriverContext(events: events.sink, logger: logs.logger, http: client))
    let token = "tok-\(Int.random(in: 100_000...999_999))"
    do {
        let result = try await SnomCallbackIngress.with(
            phoneID: configuration.id, token: token,
            handle: { callback in
                let result = await driver.receive(
                    PhoneEventRequest(
                        method: callback.method, subpath: callback.subpath, query: callback.query,
                        headers: callback.headers, body: callback.body))
                return snomAnswer(result)
            }
        ) { ingress in
            let provisioning = PhoneProvisioning(
                eventBaseURL: ingress.eventBaseURL(phoneID: configuration.id), eventToken: token,
                bridgeHost: "127.0.0.1")
            emulator.loadSettings(SnomDriver.descriptor.provisioning(configuration, provisioning))
            return try await body(
                SnomHarness(
                    emulator: emulator, driver: driver, events: events, ingress: ingress, logs: logs,
                    configuration: configuration, token: token))
        }
        await emulator.stop()
        return result
    } catch {
        await emulator.stop()
        throw error
    }
}

/// The HTTP answer the bridge gives for a driver's verdict on a callback.
func snomAnswer(_ result: PhoneEventIngressResult) -> SnomCallbackIngress.Answer {
    switch result {
    case .accepted(let body): SnomCallbackIngress.Answer(status: 200, body: body)
    case .malformed(let reason): SnomCallbackIngress.Answer(status: 400, body: reason)
    case .unknownRoute: SnomCallbackIngress.Answer(status: 404, body: "unknown event route")
    }
}

/// The error a command threw, or `nil`.
func snomCommandError(_ operation: () async throws -> PhoneCommandOutcome) async -> PhoneCommandError? {
    do {
        _ = try await operation()
        return nil
    } catch let error as PhoneCommandError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// A dial string the test knows to be valid.
func snomDial(_ raw: String) -> DialString {
    try! DialString(validating: raw)
}
