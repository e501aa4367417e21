import ArgumentParser
import Foundation

/// `ctibridge check`: validates the configuration without starting anything and prints a summary.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate drivers.yaml and print a summary; exit code 2 if it is invalid.")

    @OptionGroup var options: ConfigOptions

    /// Single values for scripts, so they need not parse YAML themselves.
    enum Field: String, ExpressibleByArgument, CaseIterable {
        case mqttURL = "mqtt-url"
        case httpListen = "http-listen"
    }

    @Option(name: .long, help: "Print only this value of the validated configuration: mqtt-url or http-listen.")
    var print: Field?

    func run() throws {
        let configuration = try options.load()
        switch print {
        case .mqttURL:
            Swift.print(configuration.mqtt.url)
        case .httpListen:
            Swift.print("\(configuration.bridge.listenHost):\(configuration.bridge.listenPort)")
        case nil:
            Swift.print(ConfigurationSummary(configuration).text(file: options.config))
        }
    }
}

/// What `check` prints: enough to see at a glance that the file says what the installer meant.
struct ConfigurationSummary {
    let configuration: BridgeConfiguration

    init(_ configuration: BridgeConfiguration) {
        self.configuration = configuration
    }

    func text(file: String) -> String {
        var lines = ["\(file): OK"]
        lines.append("bridge \(configuration.bridge.id), HTTP on \(configuration.bridge.listenHost):\(configuration.bridge.listenPort), public URL \(configuration.bridge.publicURL)")
        lines.append("mqtt \(configuration.mqtt.url), topic prefix \(configuration.mqtt.topicPrefix)")
        var perDriver: [String: Int] = [:]
        for phone in configuration.phones { perDriver[phone.driver, default: 0] += 1 }
        let drivers = perDriver.keys.sorted().map { "\($0) \(perDriver[$0]!)" }.joined(separator: ", ")
        lines.append("phones: \(configuration.phones.count)" + (drivers.isEmpty ? "" : " (\(drivers))"))
        lines.append("agents: \(configuration.agents.count)")
        lines.append("queues: \(configuration.queues.count)" + (configuration.queues.isEmpty ? "" : " (\(configuration.queues.map(\.id).joined(separator: ", ")))"))
        lines.append("presences: \(configuration.presences.map(\.id).joined(separator: ", "))")
        lines.append("API keys: \(configuration.bridge.apiKeys.map(\.name).joined(separator: ", ").ifEmpty("none"))")
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
