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
    let (logs, events) = (HTTPLogCapture(), EventCollector())
    let emulator = GrandstreamPhoneEmulator(passcode: grandstreamPasscode)
    try await emulator.start()
    let configuration = PhoneConfiguration(
        id: "desk-9", driver: "grandstream", url: emulator.baseURL, password: passcode, model: "GRP2614",
        connectTimeout: .seconds(1), requestTimeout: .seconds(3), options: DriverOptions(options))
    return try await withAsyncDefer({ await emulator.stop() }) {
        try await withPhoneHarness(
            emulator, configuration: configuration, events: events, logs: logs, descriptor: GrandstreamDriver.descriptor,
            driver: { try GrandstreamDriver(configuration: $0, context: $1) },
            load: emulator.loadSettings, body)
    }
}
