import Foundation
import Logging
import MQTTClient
import MetricsTestKit
import TestSupport

/// A topic prefix no other test uses.
func uniqueTopic(_ name: String) -> String {
    "test/\(name)/\(UUID().uuidString.prefix(8))"
}

/// A configuration for a test client: unique id, fast reconnects, its own metrics.
func testConfiguration(
    broker: MosquittoBroker,
    metrics: TestMetrics = TestMetrics(),
    clientId: String = "test-\(UUID().uuidString.prefix(8))",
    configure: (inout MQTTConfiguration) -> Void = { _ in }
) -> MQTTConfiguration {
    var configuration = MQTTConfiguration(
        url: broker.url,
        clientId: clientId,
        keepAlive: .seconds(5),
        reconnectDelayMin: .milliseconds(100),
        reconnectDelayMax: .milliseconds(500),
        metricsFactory: metrics)
    configure(&configuration)
    return configuration
}

/// A started client; call `stop()` at the end of the test.
func startedClient(_ configuration: MQTTConfiguration) throws -> MQTTClient {
    var logger = Logger(label: "test.mqtt.\(configuration.clientId)")
    logger.logLevel = .info
    let client = try MQTTClient(configuration: configuration, logger: logger)
    client.start()
    return client
}

/// Collects up to `count` elements of `stream`, giving up after `timeout`; returns what arrived.
func collect<Element: Sendable>(
    _ count: Int,
    from stream: AsyncStream<Element>,
    timeout: Duration = .seconds(5)
) async -> [Element] {
    let collector = Task {
        var elements: [Element] = []
        for await element in stream {
            elements.append(element)
            if elements.count == count { break }
        }
        return elements
    }
    let timer = Task {
        try? await Task.sleep(for: timeout)
        collector.cancel()
    }
    let elements = await collector.value
    timer.cancel()
    return elements
}

/// Publishes with `mosquitto_pub`, an independent client.
func externalPublish(topic: String, payload: String, broker: MosquittoBroker, retain: Bool = false) async throws {
    var arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-V", "mqttv5", "-q", "1", "-t", topic, "-m", payload]
    if retain { arguments.append("-r") }
    let child = try ChildProcess("mosquitto_pub", arguments: arguments)
    let code = await child.waitForExit(timeout: .seconds(5))
    guard code == 0 else {
        throw ExternalToolFailed(description: "mosquitto_pub exited with \(String(describing: code))")
    }
}

struct ExternalToolFailed: Error, CustomStringConvertible {
    let description: String
}
