import ArgumentParser
import Logging
import MQTTClient
import Synchronization

/// Benchmark (2): an MQTT `dial` command until its request arrives at the (emulated Snom) phone.
struct CommandsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands", abstract: "Command path: MQTT command → bridge → HTTP request at a phone emulator.")

    @Option(help: "Phones (one agent each) commanded concurrently.") var phones = 1000
    @Option(help: "Seconds of the concurrent run and of the serialised one-phone run.") var seconds = 10
    @Option(help: "The ctibridge binary.") var binary = BenchBridge.defaultBinary

    func run() async throws {
        let emulator = PhoneEmulator()
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task { try await emulator.serve { portContinuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw BenchError("phone emulator did not start") }
        let broker = try await BenchBroker.start()
        let bridge = try BenchBridge.start(
            binary: binary, phones: phones, broker: broker, snomEmulatorURL: "http://127.0.0.1:\(port)")
        do {
            try await measure(bridge: bridge, broker: broker, emulator: emulator)
        } catch {
            await bridge.stop()
            server.cancel()
            throw error
        }
        await bridge.stop()
        server.cancel()
    }

    private func measure(bridge: BenchBridge, broker: BenchBroker, emulator: PhoneEmulator) async throws {
        try await bridge.waitUntilListening()
        var logger = Logger(label: "bench-commander")
        logger.logLevel = .warning
        let client = try MQTTClient(
            configuration: MQTTConfiguration(url: broker.url, clientId: "bench-commander", offlineBufferCapacity: 100_000),
            logger: logger)
        client.start()
        guard await client.waitUntilConnected(timeout: .seconds(10)) else { throw BenchError("commander not connected") }
        // The first probes tell the bridge the phones are there.
        try await Task.sleep(for: .seconds(6))
        print("command path: \(phones) Snom phones on one emulator, \(seconds) s per run")

        let warm = Commander(client: client, emulator: emulator, agents: phones)
        _ = await warm.run(concurrency: phones, duration: .seconds(2), numberBase: 90_000_000)
        let spread = await warm.run(concurrency: phones, duration: .seconds(seconds), numberBase: 0)
        print("  across \(phones) phones: \(Int(spread.rate)) commands/s, overhead \(spread.latency.summary), \(spread.lost) lost")
        let single = Commander(client: client, emulator: emulator, agents: 1)
        let serial = await single.run(concurrency: 1, duration: .seconds(seconds), numberBase: 20_000_000)
        print("  one phone, serialised: \(Int(serial.rate)) commands/s, overhead \(serial.latency.summary), \(serial.lost) lost")
        await client.stop(flushTimeout: .seconds(1))
    }
}

/// Publishes `dial` commands, each agent waiting for its previous one to reach the phone before the next.
private struct Commander: Sendable {
    let client: MQTTClient
    let emulator: PhoneEmulator
    let agents: Int

    struct Result: Sendable {
        let completed: Int
        let lost: Int
        let seconds: Double
        let latency: LatencyHistogram
        var rate: Double { Double(completed) / seconds }
    }

    func run(concurrency: Int, duration: Duration, numberBase: Int) async -> Result {
        let latency = LatencyHistogram()
        let counter = Counter()
        let lost = Counter()
        let start = ContinuousClock.now
        let end = start + duration
        let completed = await withTaskGroup(of: Int.self) { group in
            for agent in 0..<min(concurrency, agents) {
                group.addTask {
                    var done = 0
                    while ContinuousClock.now < end {
                        let sequence = counter.value.add(1, ordering: .relaxed).oldValue
                        let digits = String((numberBase + sequence) % 100_000_000).leftPadded(to: 8)
                        let body = #"{"action":"dial","to":"+4420\#(digits)","requestId":"b\#(numberBase + sequence)"}"#
                        let topic = "cti/agents/\(FleetConfiguration.agentID(agent))/command"
                        let sent = ContinuousClock.now
                        let arrived = await emulator.arrival(of: digits) {
                            client.publish(MQTTMessage(topic: topic, payload: Array(body.utf8), qos: .atLeastOnce))
                        }
                        guard let arrived else {
                            lost.value.add(1, ordering: .relaxed)
                            continue
                        }
                        latency.record(arrived - sent)
                        done += 1
                    }
                    return done
                }
            }
            var total = 0
            for await done in group { total += done }
            return total
        }
        let elapsed = ContinuousClock.now - start
        return Result(
            completed: completed, lost: lost.value.load(ordering: .relaxed),
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, latency: latency)
    }
}

/// A count shared by tasks.
private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
