import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus

/// `ctibridge run`: the daemon, until SIGTERM or SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the bridge in the foreground until SIGTERM or SIGINT.")

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let configuration = try options.load()
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = LazyMetadataLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
        let prometheus = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: prometheus))
        var logger = Logger(label: "ctibridge")
        logger[metadataKey: "bridge.id"] = "\(configuration.bridge.id)"

        let runtime: BridgeRuntime
        do {
            runtime = try BridgeRuntime.make(configuration: configuration, prometheus: prometheus, logger: logger)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
        logger.info(
            "starting",
            metadata: [
                "version": "\(CTIBridgeVersion.current)", "phones": "\(configuration.phones.count)",
                "mqtt": "\(configuration.mqtt.url)",
            ])
        try await runtime.run(logger: logger)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
