import ArgumentParser

/// `ctibridge-bench`: benchmarks of the release bridge against a private mosquitto (docs/performance.md).
@main
struct CTIBridgeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctibridge-bench",
        abstract: "Benchmarks of the real ctibridge binary against a private mosquitto on loopback.",
        subcommands: [EventsBenchmark.self, CommandsBenchmark.self, ScaleBenchmark.self])
}
