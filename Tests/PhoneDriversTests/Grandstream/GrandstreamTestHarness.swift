import CallModel
import Logging
import PhoneDrivers
import Testing
import TestSupport

/// An emulated Grandstream phone, the driver under test, and an ingress carrying its callbacks to the driver.
struct GrandstreamHarness {
    let emulator: GrandstreamPhoneEmulator
    let driver: GrandstreamDriver
    let events: EventCollector
    let ingress: SnomCallbackIngress
    let logs: HTTPLogCapture

    func receive(_ subpath: String, _ query: [(String, String)], method: String = "GET") async -> PhoneEventIngressResult {
        await driver.receive(PhoneEventRequest(method: method, subpath: subpath, query: query.map { ($0.0, $0.1) }))
    }
}

/// The CTI passcode in every Grandstream test; it must never appear in an error or a log line.
let grandstreamPasscode = "Gs-adm1n+pass"

func withGrandstreamPhone<Result: Sendable>(
    passcode: String = grandstreamPasscode, options: [String: DriverOptionValue] = [:],
    _ body: (GrandstreamHarness) async throws -> Result
) async throws -> Result {
    let logs = HTTPLogCapture()
    let client = PhoneHTTPClient(logger: logs.logger)
    defer { client.shutdown() }
    let emulator = GrandstreamPhoneEmulator(passcode: grandstreamPasscode)
    try await emulator.start()
    let events = EventCollector()
    let configuration = PhoneConfiguration(
        id: "desk-9", driver: "grandstream", url: emulator.baseURL, password: passcode, model: "GRP2614",
        connectTimeout: .seconds(1), requestTimeout: .seconds(3), options: DriverOptions(options))
    let driver = try GrandstreamDriver(
        configuration: configuration,
        context: PhoneDriverContext(events: events.sink, logger: logs.logger, http: client))
    let token = "tok-\(Int.random(in: 100_000...999_999))"
    do {
        let result = try await SnomCallbackIngress.with(
            phoneID: configuration.id, token: token,
            handle: { callback in
                snomAnswer(
                    await driver.receive(
                        PhoneEventRequest(
                            method: callback.method, subpath: callback.subpath, query: callback.query,
                            headers: callback.headers, body: callback.body)))
            }
        ) { ingress in
            emulator.loadSettings(
                GrandstreamDriver.descriptor.provisioning(
                    configuration,
                    PhoneProvisioning(
                        eventBaseURL: ingress.eventBaseURL(phoneID: configuration.id), eventToken: token,
                        bridgeHost: "127.0.0.1")))
            return try await body(
                GrandstreamHarness(emulator: emulator, driver: driver, events: events, ingress: ingress, logs: logs))
        }
        await emulator.stop()
        return result
    } catch {
        await emulator.stop()
        throw error
    }
}
