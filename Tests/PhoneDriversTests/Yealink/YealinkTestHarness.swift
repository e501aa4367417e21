import CallModel
import Foundation
import Logging
import PhoneDrivers
import TestSupport

/// Events a driver emitted, and log lines it (and its HTTP client) wrote, collected for assertions.
final class YealinkEventLog: Sendable {
    private let collector = EventCollector()
    /// Where the driver's and the client's log lines go.
    let logs = HTTPLogCapture()

    var sink: PhoneEventSink { collector.sink }
    var kinds: [PhoneEvent.Kind] { collector.kinds }
    var all: [PhoneEvent] { collector.all }
    var logLines: [String] { logs.all }

    /// A logger at trace level whose lines (message and metadata) are kept.
    var logger: Logger { logs.logger }

    /// Waits until at least `count` events arrived.
    @discardableResult
    func waitFor(count: Int, timeout: Duration = .seconds(5)) async throws -> [PhoneEvent.Kind] {
        try await eventually(timeout: timeout, "\(count) events (have \(kinds))") { self.kinds.count >= count }
        return kinds
    }
}

/// A Yealink emulator, the driver under test, and a bridge-like ingress, wired together.
typealias YealinkHarness = PhoneHarness<YealinkPhoneEmulator, YealinkDriver, YealinkEventLog>

extension PhoneHarness where Emulator == YealinkPhoneEmulator {
    /// The Action URI requests the phone received (path and query).
    var targets: [String] { emulator.targets }

    func dial(_ raw: String) async throws -> PhoneCommandOutcome {
        try await driver.perform(.dial(try DialString(validating: raw)))
    }
}

/// Runs `body` with a fresh emulator, driver and ingress; everything is shut down afterwards.
func withYealink(
    model: String = "T46S",
    options: [String: DriverOptionValue] = ["outgoingURI": .string("1001@pbx.example.com")],
    authentication: YealinkPhoneEmulator.Authentication = .basic,
    remoteControl: YealinkPhoneEmulator.RemoteControl = .allowed,
    password: String? = nil,
    _ body: (YealinkHarness) async throws -> Void
) async throws {
    let emulator = try await YealinkPhoneEmulator.start(
        authentication: authentication, remoteControl: remoteControl, model: model)
    let events = YealinkEventLog()
    let configuration = PhoneConfiguration(
        id: "yl-\(UInt32.random(in: 0...UInt32.max))", driver: "yealink", url: emulator.baseURL,
        username: emulator.user, password: password ?? emulator.password, model: model, options: DriverOptions(options))
    try await withAsyncDefer({ await emulator.stop() }) {
        try await withPhoneHarness(
            emulator, configuration: configuration, events: events, logs: events.logs, descriptor: YealinkDriver.descriptor,
            driver: { try YealinkDriver(configuration: $0, context: $1) },
            load: { emulator.loadConfiguration($0) }, body)
    }
}

/// The error a throwing command produced, or nil.
func yealinkCommandError(_ operation: () async throws(PhoneCommandError) -> PhoneCommandOutcome) async -> PhoneCommandError? {
    do {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}
