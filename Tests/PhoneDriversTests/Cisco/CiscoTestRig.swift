import CallModel
import Foundation
import Logging
import PhoneDrivers
import TestSupport

/// An emulated Cisco phone and a driver talking to it through the real libcurl client.
struct CiscoTestRig {
    let emulator: CiscoPhoneEmulator
    let driver: CiscoDriver
    let configuration: PhoneConfiguration

    static func run(
        model: String? = nil,
        options: [String: DriverOptionValue] = [:],
        user: String? = nil,
        password: String? = nil,
        emulator emulatorConfiguration: CiscoPhoneEmulator.Configuration = .init(),
        _ body: (CiscoTestRig) async throws -> Void
    ) async throws {
        try await CiscoPhoneEmulator.withEmulator(emulatorConfiguration) { emulator in
            let client = PhoneHTTPClient(logger: Logger(label: "test.cisco.http"))
            defer { client.shutdown() }
            let configuration = PhoneConfiguration(
                id: "cisco-\(UUID().uuidString.prefix(8))", driver: "cisco", url: emulator.baseURL,
                username: user ?? emulatorConfiguration.user, password: password ?? emulatorConfiguration.password,
                model: model, connectTimeout: .seconds(1), requestTimeout: .seconds(3), options: DriverOptions(options))
            let driver = try CiscoDriver(
                configuration: configuration,
                context: PhoneDriverContext(events: PhoneEventSink { _ in }, logger: Logger(label: "test.cisco")),
                transport: client)
            try await body(CiscoTestRig(emulator: emulator, driver: driver, configuration: configuration))
        }
    }

    /// The Execute requests the emulator received.
    var executes: [ReceivedHTTPRequest] {
        emulator.requests.filter { $0.target == "/CGI/Execute" }
    }

    /// The form body the driver must send for one URI (the XML written by hand here, then form-encoded).
    static func expectedForm(_ uriInAttribute: String) -> String {
        let xml = #"<CiscoIPPhoneExecute><ExecuteItem Priority="0" URL="\#(uriInAttribute)"/></CiscoIPPhoneExecute>"#
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return "XML=" + xml.addingPercentEncoding(withAllowedCharacters: unreserved)!
    }
}
