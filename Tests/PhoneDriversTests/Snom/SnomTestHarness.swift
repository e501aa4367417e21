import CallModel
import Logging
import PhoneDrivers
import Testing
import TestSupport

/// An emulated Snom phone, the driver under test, and an ingress that carries the phone's callbacks to the driver.
typealias SnomHarness = PhoneHarness<SnomPhoneEmulator, SnomDriver, EventCollector>

/// The phone's password in every Snom test; it must never appear in an error or a log line.
let snomPassword = "Sn0m-pa55!word"

/// Runs `body` with a started emulator whose action URLs come from the driver's own provisioning output.
func withSnomPhone<Result: Sendable>(
    login: SnomPhoneEmulator.Login = .basic(user: "admin", password: snomPassword),
    username: String? = "admin", password: String? = snomPassword,
    model: String? = "D785", options: [String: DriverOptionValue] = [:],
    _ body: (SnomHarness) async throws -> Result
) async throws -> Result {
    let (logs, events) = (HTTPLogCapture(), EventCollector())
    let emulator = SnomPhoneEmulator(login: login)
    try await emulator.start()
    let configuration = PhoneConfiguration(
        id: "desk-7", driver: "snom", url: emulator.baseURL + "/", username: username, password: password,
        model: model, connectTimeout: .seconds(1), requestTimeout: .seconds(3), options: DriverOptions(options))
    return try await withAsyncDefer({ await emulator.stop() }) {
        try await withPhoneHarness(
            emulator, configuration: configuration, events: events, logs: logs, descriptor: SnomDriver.descriptor,
            driver: { try SnomDriver(configuration: $0, context: $1) },
            load: emulator.loadSettings, body)
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
