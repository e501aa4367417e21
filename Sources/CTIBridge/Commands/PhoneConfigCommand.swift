import ArgumentParser
import Foundation
import PhoneDrivers

/// `ctibridge phone-config PHONE_ID`: what an installer sets on that phone, in the vendor's own syntax.
struct PhoneConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phone-config",
        abstract: "Print the settings to put on a phone: its action URLs with this bridge's public URL and the phone's token.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The phone's id in drivers.yaml.")
    var phoneID: String

    func run() throws {
        let configuration = try options.load()
        guard let phone = configuration.phones.first(where: { $0.id == phoneID }) else {
            FileHandle.standardError.write(
                Data("no phone \"\(phoneID)\" in \(options.config) (known: \(configuration.phones.map(\.id).joined(separator: ", ")))\n".utf8))
            throw ExitCode(2)
        }
        guard let descriptor = PhoneDriverRegistry.standard.descriptor(named: phone.driver) else { throw ExitCode(2) }
        // The token the bridge will check: configured, stored, or generated now and stored for the bridge to use.
        let tokens = try EventTokenStore(statePath: configuration.bridge.statePath).resolve(phones: [phone])
        let publicURL = configuration.bridge.publicURL
        let provisioning = PhoneProvisioning(
            eventBaseURL: "\(publicURL)/phones/\(phone.id)/events", eventToken: tokens[phone.id] ?? "",
            bridgeHost: URLComponents(string: publicURL)?.host ?? configuration.bridge.listenHost)
        print(descriptor.provisioning(phone.configuration, provisioning))
    }
}

/// `ctibridge openapi`: the OpenAPI document of the REST API (the same as `GET /api/v1/openapi.json`).
struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi", abstract: "Print the OpenAPI 3.1 document of the REST API.")

    func run() {
        print(OpenAPIDocument.json)
    }
}
