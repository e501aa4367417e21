import CallModel
import Foundation
import Logging
import PhoneDrivers
import Synchronization
import TestSupport

/// Events a driver emitted, and log lines it wrote, collected for assertions.
final class YealinkEventLog: Sendable {
    private let events = Mutex<[PhoneEvent]>([])
    private let lines = Mutex<[String]>([])

    var sink: PhoneEventSink { PhoneEventSink { event in self.events.withLock { $0.append(event) } } }
    var kinds: [PhoneEvent.Kind] { events.withLock { $0.map(\.kind) } }
    var all: [PhoneEvent] { events.withLock { $0 } }
    var logLines: [String] { lines.withLock { $0 } }

    /// A logger at trace level whose lines (message and metadata) are kept.
    var logger: Logger {
        var logger = Logger(label: "test.yealink") { _ in YealinkCapturingLogHandler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    func appendLine(_ line: String) { lines.withLock { $0.append(line) } }

    /// Waits until at least `count` events arrived.
    @discardableResult
    func waitFor(count: Int, timeout: Duration = .seconds(5)) async throws -> [PhoneEvent.Kind] {
        try await eventually(timeout: timeout, "\(count) events (have \(kinds))") { self.kinds.count >= count }
        return kinds
    }
}

private struct YealinkCapturingLogHandler: LogHandler {
    let log: YealinkEventLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        log.appendLine("\(event.message) " + merged.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))
    }
}

/// A Yealink emulator, the driver under test, and a bridge-like ingress wired together as an installer would:
/// the emulator loads exactly the action URLs the driver's provisioning printed.
struct YealinkHarness: Sendable {
    let emulator: YealinkPhoneEmulator
    let receiver: YealinkCallbackReceiver
    let driver: YealinkDriver
    let events: YealinkEventLog
    let configuration: PhoneConfiguration
    let provisioningText: String

    /// The Action URI requests the phone received (path and query).
    var targets: [String] { emulator.targets }

    func dial(_ raw: String) async throws -> PhoneCommandOutcome {
        try await driver.perform(.dial(try DialString(validating: raw)))
    }
}

/// Turns a callback the test ingress received into what the bridge hands the driver.
func yealinkEventRequest(_ callback: YealinkCallbackReceiver.Callback) -> PhoneEventRequest {
    PhoneEventRequest(
        method: callback.method, subpath: callback.subpath, query: callback.query, headers: callback.headers,
        body: callback.body)
}

/// Maps a driver's verdict to the ingress answer.
func yealinkVerdict(_ result: PhoneEventIngressResult) -> YealinkCallbackReceiver.Verdict {
    switch result {
    case .accepted(let body): .accepted(body)
    case .malformed(let reason): .malformed(reason)
    case .unknownRoute: .unknownRoute
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
    let client = PhoneHTTPClient(logger: events.logger)
    defer { client.shutdown() }
    let phoneID = "yl-\(UInt32.random(in: 0...UInt32.max))"
    let configuration = PhoneConfiguration(
        id: phoneID, driver: "yealink", url: emulator.baseURL, username: emulator.user,
        password: password ?? emulator.password, model: model, options: DriverOptions(options))
    let driver = try YealinkDriver(
        configuration: configuration,
        context: PhoneDriverContext(events: events.sink, logger: events.logger), transport: client)
    let token = "tok-\(UInt64.random(in: 0...UInt64.max))"
    let receiver = try await YealinkCallbackReceiver.start(phoneID: phoneID, token: token) { callback in
        yealinkVerdict(await driver.receive(yealinkEventRequest(callback)))
    }
    let provisioningText = YealinkDriver.descriptor.provisioning(
        configuration, PhoneProvisioning(eventBaseURL: receiver.eventBaseURL, eventToken: token, bridgeHost: "127.0.0.1"))
    emulator.loadConfiguration(provisioningText)
    let harness = YealinkHarness(
        emulator: emulator, receiver: receiver, driver: driver, events: events, configuration: configuration,
        provisioningText: provisioningText)
    do {
        try await body(harness)
    } catch {
        await receiver.stop()
        await emulator.stop()
        throw error
    }
    await receiver.stop()
    await emulator.stop()
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
