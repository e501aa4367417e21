import CallModel
import Logging
import PhoneDrivers
import Testing
import TestSupport

/// An emulated Grandstream phone, the driver under test, and an ingress carrying its callbacks to the driver.
typealias GrandstreamHarness = PhoneHarness<GrandstreamPhoneEmulator, GrandstreamDriver, EventCollector>

/// The CTI passcode in every Grandstream test; it must never appear in an error or a log line.
let grandstreamPasscode = "Gs-adm1n+pass"

func withGrandstreamPhone<Result: Sendable>(
    passcode: String = grandstreamPasscode, options: [String: DriverOptionValue] = [:],
    _ body: (GrandstreamHarness) async throws -> Result
) async throws -> Result {
    let logs = HTTPLogCapture()
    let emulator = GrandstreamPhoneEmulator(passcode: grandstreamPasscode)
    try await emulator.start()
    return try await withAsyncDefer({ await emulator.stop() }) {
        try await withPhoneHTTPClient(logs: logs) { client in
            let events = EventCollector()
            let configuration = PhoneConfiguration(
                id: "desk-9", driver: "grandstream", url: emulator.baseURL, password: passcode, model: "GRP2614",
                connectTimeout: .seconds(1), requestTimeout: .seconds(3), options: DriverOptions(options))
            let driver = try GrandstreamDriver(
                configuration: configuration,
                context: PhoneDriverContext(events: events.sink, logger: logs.logger, http: client))
            return try await withEventIngress(phoneID: configuration.id, driver: driver) { ingress, provisioning in
                let text = GrandstreamDriver.descriptor.provisioning(configuration, provisioning)
                emulator.loadSettings(text)
                return try await body(
                    GrandstreamHarness(
                        emulator: emulator, driver: driver, events: events, logs: logs, ingress: ingress,
                        configuration: configuration, provisioningText: text))
            }
        }
    }
}
