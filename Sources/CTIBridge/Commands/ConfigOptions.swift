import ArgumentParser
import Foundation

/// The `--config` option shared by the subcommands.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file.")
    var config: String = "drivers.yaml"

    /// Loads the configuration, or prints the located error and exits with code 2.
    func load(loader: ConfigurationLoader = ConfigurationLoader()) throws -> BridgeConfiguration {
        do {
            return try loader.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
