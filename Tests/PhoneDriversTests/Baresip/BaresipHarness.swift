import CallModel
import Foundation
import Logging
import PhoneDrivers
import TestSupport

/// A running baresip with a driver connected to it, for the real-call tests.
struct BaresipPhone {
    let process: BaresipProcess
    let driver: BaresipDriver
    let events: EventCollector
    let runner: Task<Void, any Error>
    let http: PhoneHTTPClient

    static func start(_ user: String, options: [String: DriverOptionValue] = [:]) async throws -> BaresipPhone {
        let process = try await BaresipProcess.start(user: user)
        let events = EventCollector()
        var allOptions = options
        allOptions["ctrlTCP"] = .string(process.controlAddress)
        allOptions["reconnectMaximumSeconds"] = .number(1)
        let http = PhoneHTTPClient(logger: Logger(label: "baresip-test-http"))
        let driver = try BaresipDriver(
            configuration: PhoneConfiguration(
                id: user, driver: "baresip", url: process.httpURL, connectTimeout: .seconds(2),
                requestTimeout: .seconds(3), options: DriverOptions(allOptions)),
            context: PhoneDriverContext(events: events.sink, logger: Logger(label: "baresip-test-\(user)"), http: http))
        let runner = Task { try await driver.run() }
        try await eventually(timeout: .seconds(10), "\(user)'s ctrl_tcp link") { driver.eventLinkStatus.connected }
        return BaresipPhone(process: process, driver: driver, events: events, runner: runner, http: http)
    }

    func stop() async {
        runner.cancel()
        _ = await runner.result
        await process.stop()
        http.shutdown()
    }

    /// Waits until an event matching `predicate` arrived; returns it.
    @discardableResult
    func waitFor(
        _ what: String, timeout: Duration = .seconds(10), _ predicate: @escaping (PhoneEvent.Kind) -> Bool
    ) async throws -> PhoneEvent.Kind {
        try await eventually(timeout: timeout, "\(process.user): \(what); got \(events.kinds)") {
            events.kinds.contains(where: predicate)
        }
        return events.kinds.first(where: predicate)!
    }
}
