import ArgumentParser

/// `ctibridge`: deskphone-mode CTI middleware between IP deskphones and an MQTT bus.
@main
struct CTIBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctibridge",
        abstract: "Deskphone-mode CTI middleware: phones to MQTT and REST.",
        version: CTIBridgeVersion.current,
        subcommands: [RunCommand.self, CheckCommand.self, PhoneConfigCommand.self, OpenAPICommand.self],
        defaultSubcommand: RunCommand.self)
}
