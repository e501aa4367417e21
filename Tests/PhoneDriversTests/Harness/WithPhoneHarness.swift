import PhoneDrivers
import TestSupport

/// Builds the driver under test for a started `emulator`, serves the driver's event route over HTTP, hands the
/// emulator the settings the driver prints for it (`load`), and runs `body` with all of it.
///
/// `makeDriver` gets the configuration and a context whose events go to `events` and whose logger and HTTP client
/// log into `logs`. The client is shut down afterwards; stopping the emulator is the caller's, since each
/// emulator starts differently.
func withPhoneHarness<Emulator: Sendable, Driver: PhoneDriver, Events: PhoneEventCollecting, Result>(
    _ emulator: Emulator, configuration: PhoneConfiguration, events: Events, logs: HTTPLogCapture,
    descriptor: PhoneDriverDescriptor,
    driver makeDriver: (PhoneConfiguration, PhoneDriverContext) throws -> Driver,
    load: (String) -> Void, _ body: (PhoneHarness<Emulator, Driver, Events>) async throws -> Result
) async throws -> Result {
    try await withPhoneHTTPClient(logs: logs) { client in
        let context = PhoneDriverContext(events: events.sink, logger: logs.logger, http: client)
        let driver = try makeDriver(configuration, context)
        return try await withEventIngress(phoneID: configuration.id, driver: driver) { ingress, provisioning in
            let text = descriptor.provisioning(configuration, provisioning)
            load(text)
            return try await body(
                PhoneHarness(
                    emulator: emulator, driver: driver, events: events, logs: logs, ingress: ingress,
                    configuration: configuration, provisioningText: text))
        }
    }
}

/// Something a test collects a driver's events with.
protocol PhoneEventCollecting: Sendable {
    /// Where the driver delivers its events.
    var sink: PhoneEventSink { get }
}

extension EventCollector: PhoneEventCollecting {}
extension YealinkEventLog: PhoneEventCollecting {}
