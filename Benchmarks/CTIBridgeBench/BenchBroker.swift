import Foundation
import Logging
import MQTTClient


/// A private mosquitto on a free loopback port that logs only errors: the test broker logs every packet,
/// which would measure the log file rather than the bus.
struct BenchBroker: Sendable {
    let child: BenchProcess
    let port: Int
    let directory: URL

    var url: MQTTBrokerURL { MQTTBrokerURL(host: "127.0.0.1", port: port, usesTLS: false) }
    var urlString: String { url.description }

    static func start() async throws -> BenchBroker {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = LoopbackPort.free()
        // Unlimited queues: a benchmark's subscriber may be briefly behind, and must see every message.
        // No Nagle on the broker's sockets either (docs/performance.md: a latency-minded deployment sets it).
        let config = """
            listener \(port) 127.0.0.1
            allow_anonymous true
            persistence false
            log_dest stderr
            log_type error
            user root
            max_queued_messages 0
            max_inflight_messages 0
            set_tcp_nodelay true

            """
        let configPath = directory.appendingPathComponent("mosquitto.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let child = try BenchProcess(
            "mosquitto", arguments: ["-c", configPath], outputPath: directory.appendingPathComponent("mosquitto.log").path)
        let deadline = ContinuousClock.now + .seconds(10)
        while !LoopbackPort.isAccepting(port) {
            guard ContinuousClock.now < deadline, child.exitCode == nil else {
                throw BenchError("mosquitto did not start on port \(port)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return BenchBroker(child: child, port: port, directory: directory)
    }

    func stop() async {
        await child.killAndWait()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension BenchBroker {
    /// A connected MQTT client of the benchmark's own, logging warnings only.
    func connectedClient(id: String) async throws -> MQTTClient {
        var logger = Logger(label: id)
        logger.logLevel = .warning
        let client = try MQTTClient(
            configuration: MQTTConfiguration(url: url, clientId: id, offlineBufferCapacity: 1_000_000), logger: logger)
        client.start()
        guard await client.waitUntilConnected(timeout: .seconds(10)) else {
            await client.stop(flushTimeout: .zero)
            throw BenchError("\(id) not connected")
        }
        return client
    }
}
