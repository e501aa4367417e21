import PhoneDrivers
import TestSupport

/// An emulated phone, the driver under test, and a bridge-like ingress carrying the phone's callbacks to the
/// driver, wired as an installer would: the emulator loaded exactly the settings the driver's provisioning printed.
///
/// `Events` is how the test collects the driver's events; `logs` holds every line the driver and its HTTP client
/// logged, so tests can check that secrets never appear.
struct PhoneHarness<Emulator: Sendable, Driver: PhoneDriver, Events: Sendable>: Sendable {
    let emulator: Emulator
    let driver: Driver
    let events: Events
    let logs: HTTPLogCapture
    let ingress: TestEventIngress
    let configuration: PhoneConfiguration
    /// The settings the driver printed for the phone, which the emulator loaded.
    let provisioningText: String

    /// The event token the phone's callback URLs carry.
    var token: String { ingress.token }

    /// Hands the driver a callback directly, as the bridge would after its checks, without HTTP.
    func receive(_ subpath: String, _ query: [(String, String)], method: String = "GET") async -> PhoneEventIngressResult {
        await driver.receive(PhoneEventRequest(method: method, subpath: subpath, query: query.map { ($0.0, $0.1) }))
    }
}
