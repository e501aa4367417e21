import CallModel
import Foundation
import Logging
import PhoneDrivers
import TestSupport

/// An emulated Poly phone wired to a driver, with the driver's event route served over real HTTP and the
/// phone's notification URL taken from the driver's own provisioning text.
struct PolyTestRig {
    let emulator: PolyPhoneEmulator
    let driver: PolyDriver
    let events: EventCollector
    let ingress: TestEventIngress
    let configuration: PhoneConfiguration
    let provisioning: String

    /// Builds the rig, runs `body`, and tears everything down.
    static func run(
        model: String? = nil,
        options: [String: DriverOptionValue] = [:],
        password: String? = nil,
        username: String? = nil,
        emulator emulatorConfiguration: PolyPhoneEmulator.Configuration = .init(),
        _ body: (PolyTestRig) async throws -> Void
    ) async throws {
        try await PolyPhoneEmulator.withEmulator(emulatorConfiguration) { emulator in
            let client = PhoneHTTPClient(logger: Logger(label: "test.poly.http"))
            defer { client.shutdown() }
            let phoneID = "poly-\(UUID().uuidString.prefix(8))"
            let api = try PolyOptions(model: model, options: DriverOptions(options)).api
            let configuration = PhoneConfiguration(
                id: phoneID, driver: "poly", url: emulator.baseURL,
                username: username ?? (api == .push ? emulatorConfiguration.pushUser : nil),
                password: password ?? (api == .push ? emulatorConfiguration.pushPassword : emulatorConfiguration.adminPassword),
                model: model, connectTimeout: .seconds(1), requestTimeout: .seconds(3),
                options: DriverOptions(options))
            let events = EventCollector()
            let driver = try PolyDriver(
                configuration: configuration,
                context: PhoneDriverContext(events: events.sink, logger: Logger(label: "test.poly")),
                transport: client)
            try await withEventIngress(phoneID: phoneID, driver: driver) { ingress, provisioningInput in
                let provisioning = PolyDriver.descriptor(transport: client).provisioning(configuration, provisioningInput)
                emulator.setNotificationURL(try PolyTestRig.notificationURL(in: provisioning))
                let rig = PolyTestRig(
                    emulator: emulator, driver: driver, events: events, ingress: ingress,
                    configuration: configuration, provisioning: provisioning)
                // A notification arriving while the ingress shuts down would crash the HTTP server's
                // channel handler, so the phone falls silent before the ingress goes.
                defer { emulator.setNotificationURL(nil) }
                try await withAsyncDefer({ await emulator.drainNotifications() }) { try await body(rig) }
            }
        }
    }

    /// The value of `apps.telNotification.URL` in a provisioning text, XML-unescaped.
    static func notificationURL(in provisioning: String) throws -> String {
        let marker = #"apps.telNotification.URL=""#
        guard let start = provisioning.range(of: marker),
            let end = provisioning[start.upperBound...].firstIndex(of: "\"")
        else { throw PolyRigError.noNotificationURL }
        return String(provisioning[start.upperBound..<end]).replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The requests the emulator received on `path` (ignoring the query), in order.
    func requests(to path: String) -> [ReceivedHTTPRequest] {
        emulator.requests.filter { $0.target.split(separator: "?").first.map(String.init) == path }
    }

    /// Waits until the emulator's notifications have all been answered (none in flight).
    func waitForNotifications(count: Int) async throws {
        try await eventually("\(count) notifications answered") { emulator.notificationStatuses.count >= count }
    }
}

enum PolyRigError: Error {
    case noNotificationURL
}

/// Basic credentials as a REST client sends them.
func polyBasic(_ user: String, _ password: String) -> String {
    basicAuthorization(user: user, password: password)
}
