import Foundation


/// The bus's own limit: `mosquitto_pub -l`, a bare libmosquitto publisher, sending `count` messages of
/// `size` bytes at QoS 1 as fast as the broker takes them, timed until the observer has received them all.
struct ReferencePublisher: Sendable {
    let broker: BenchBroker

    /// The most messages one reference run sends. mosquitto_pub 2.0.11 in line mode waits for the PUBACK of
    /// its last message id, and ids wrap at 65,535: past that it disconnects as soon as the first message with
    /// the same id is acknowledged and drops the rest, so the run would never complete.
    static let maximumCount = 60_000

    struct Result: Sendable {
        let messages: Int
        let seconds: Double
        var messagesPerSecond: Double { Double(messages) / seconds }
    }

    func run(count: Int, payloadSize: Int, observer: BusObserver) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory
        let linesPath = directory.appendingPathComponent("bench-reference-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: linesPath) }
        var line = Array(repeating: UInt8(ascii: "x"), count: max(1, payloadSize))
        line.append(UInt8(ascii: "\n"))
        var data = Data(capacity: line.count * count)
        for _ in 0..<count { data.append(contentsOf: line) }
        try data.write(to: URL(fileURLWithPath: linesPath))

        let before = observer.messageCount
        let started = ContinuousClock.now
        let publisher = try BenchProcess(
            "/bin/sh",
            arguments: [
                "-c", "exec mosquitto_pub -h 127.0.0.1 -p \(broker.port) -q 1 -t bench/reference -l < '\(linesPath)'",
            ])
        let deadline = started + .seconds(300)
        while observer.messageCount - before < count {
            guard ContinuousClock.now < deadline else { throw BenchError("reference: messages did not all arrive") }
            if let code = publisher.exitCode, code != 0 { throw BenchError("mosquitto_pub exited \(code)") }
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = (observer.lastReceipt ?? .now) - started
        _ = await publisher.waitForExit(timeout: .seconds(10))
        return Result(messages: count, seconds: elapsed.inSeconds)
    }
}
