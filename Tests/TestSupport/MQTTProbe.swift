import Foundation

/// A `mosquitto_sub` run did not behave as expected.
public struct ProbeFailed: Error, CustomStringConvertible {
    public let description: String
}

/// Reads the broker with the mosquitto command-line tools, independently of the client under test.
public enum MQTTProbe {
    /// The retained payload on `topic`, or nil if the broker holds none (waits up to `timeout` for it).
    public static func retainedPayload(
        on topic: String,
        broker: MosquittoBroker,
        timeout: Duration = .seconds(2)
    ) async throws -> String? {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let seconds = max(1, Int(timeout.components.seconds))
        let child = try ChildProcess(
            "mosquitto_sub",
            arguments: [
                "-h", "127.0.0.1", "-p", "\(broker.port)", "-V", "mqttv5", "-t", topic,
                "--retained-only", "-C", "1", "-W", "\(seconds)", "-F", "%p",
            ],
            outputPath: output)
        // Exit code 0: a message arrived; 27: timed out ("Timed out" on stderr, which shares the file).
        guard let code = await child.waitForExit(timeout: timeout + .seconds(5)) else {
            await child.killAndWait()
            throw ProbeFailed(description: "mosquitto_sub on \(topic) did not end")
        }
        guard code == 0 else {
            if code == 27 { return nil }
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw ProbeFailed(description: "mosquitto_sub on \(topic) exited with \(code): \(text)")
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard !text.isEmpty else { return nil }
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// A `mosquitto_sub` that records every message on `topic` as "topic payload" lines until stopped.
    public final class Recorder: Sendable {
        private let child: ChildProcess
        private let output: String

        /// Starts recording; give it a moment (or wait for a known message) before relying on it.
        public init(topic: String, broker: MosquittoBroker) throws {
            output = FileManager.default.temporaryDirectory.appendingPathComponent("recorder-\(UUID().uuidString)").path
            child = try ChildProcess(
                "mosquitto_sub",
                arguments: ["-h", "127.0.0.1", "-p", "\(broker.port)", "-V", "mqttv5", "-t", topic, "-v"],
                outputPath: output)
        }

        deinit {
            try? FileManager.default.removeItem(atPath: output)
        }

        /// The lines recorded so far.
        public var lines: [String] {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map(String.init)
        }

        /// Stops recording (SIGTERM, then SIGKILL if needed).
        public func stop() async {
            child.signal(SIGTERM)
            if await child.waitForExit(timeout: .seconds(2)) == nil { await child.killAndWait() }
        }
    }
}
