import ArgumentParser
import MQTTClient
import Synchronization

/// Benchmark (2): an MQTT `dial` command until its request arrives at the (emulated Snom) phone.
struct CommandsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands", abstract: "Command path: MQTT command → bridge → HTTP request at a phone emulator.")

    @Option(help: "Phones (one agent each) commanded concurrently.") var phones = 1000
    @Option(help: "Seconds of each run: the fixed rates, saturation, and the serialised one-phone run.") var seconds = 10
    @Option(parsing: .upToNextOption, help: "Fixed command rates (commands/s) spread across the phones.")
    var rates: [Int] = [1000, 2500]
    @Option(help: "The ctibridge binary.") var binary = BenchBridge.defaultBinary

    func validate() throws {
        guard rates.allSatisfy({ (1...1_000_000).contains($0) }) else { throw ValidationError("rates are 1 to 1,000,000 a second") }
    }

    func run() async throws {
        let emulator = PhoneEmulator()
        let (url, server) = try await emulator.start()
        let broker = try await BenchBroker.start()
        let bridge = try BenchBridge.start(
            binary: binary, phones: phones, broker: broker, kind: .snom(emulatorURL: url))
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
        let client = try await broker.connectedClient(id: "bench-commander")
        do {
            try await sendCommands(client: client, emulator: emulator)
        } catch {
            await client.stop(flushTimeout: .zero)
            throw error
        }
        await client.stop(flushTimeout: .seconds(1))
    }

    private func sendCommands(client: MQTTClient, emulator: PhoneEmulator) async throws {
        // The first probes tell the bridge the phones are there.
        try await Task.sleep(for: .seconds(6))
        print("command path: \(phones) Snom phones on one emulator, \(seconds) s per run")

        let fleet = Commander(client: client, emulator: emulator, agents: phones)
        _ = await fleet.run(concurrency: phones, duration: .seconds(2), numberBase: 90_000_000)
        // Open loop at fixed rates: the overhead a command sees while the bridge is not saturated.
        for (index, rate) in rates.enumerated() {
            let paced = await fleet.run(rate: rate, duration: .seconds(seconds), numberBase: 30_000_000 + index * 10_000_000)
            print(
                "  across \(phones) phones at \(rate) commands/s: \(Int(paced.rate)) commands/s, "
                    + "overhead \(paced.latency.summary), \(paced.lost) lost")
        }
        // Every agent closed-loop (next command once the previous one arrived): throughput at saturation, where
        // the latency is mostly queueing.
        let spread = await fleet.run(concurrency: phones, duration: .seconds(seconds), numberBase: 0)
        print("  across \(phones) phones, saturated: \(Int(spread.rate)) commands/s, latency \(spread.latency.summary), \(spread.lost) lost")
        let single = Commander(client: client, emulator: emulator, agents: 1)
        let serial = await single.run(concurrency: 1, duration: .seconds(seconds), numberBase: 20_000_000)
        print("  one phone, serialised: \(Int(serial.rate)) commands/s, overhead \(serial.latency.summary), \(serial.lost) lost")
    }
}

/// Publishes `dial` commands to the agents' command topics and times each until it reaches the phone.
private struct Commander: Sendable {
    let client: MQTTClient
    let emulator: PhoneEmulator
    let agents: Int

    /// Open loop at `rate`: command n goes to agent n mod `agents`.
    func run(rate: Int, duration: Duration, numberBase: Int) async -> TimedRun {
        await OpenLoop.run(rate: rate, duration: duration) { items, tally in
            for item in items {
                let digits = String((numberBase + item) % 100_000_000).leftPadded(to: 8)
                emulator.expect(digits, arrived: tally.timing())
                client.publish(dial(agent: item % agents, digits: digits, requestID: "r\(numberBase + item)"))
            }
        }
    }

    private func dial(agent: Int, digits: String, requestID: String) -> MQTTMessage {
        let body = #"{"action":"dial","to":"+4420\#(digits)","requestId":"\#(requestID)"}"#
        return MQTTMessage(
            topic: "cti/agents/\(FleetConfiguration.agentID(agent))/command", payload: Array(body.utf8), qos: .atLeastOnce)
    }

    /// Closed loop: `concurrency` agents each send their next command once the previous one reached the phone.
    func run(concurrency: Int, duration: Duration, numberBase: Int) async -> TimedRun {
        let tally = ArrivalTally()
        let counter = Counter()
        let start = ContinuousClock.now
        let end = start + duration
        let completed = await withTaskGroup(of: Int.self) { group in
            for agent in 0..<min(concurrency, agents) {
                group.addTask {
                    var done = 0
                    while ContinuousClock.now < end {
                        let sequence = counter.value.add(1, ordering: .relaxed).oldValue
                        let digits = String((numberBase + sequence) % 100_000_000).leftPadded(to: 8)
                        let message = dial(agent: agent, digits: digits, requestID: "b\(numberBase + sequence)")
                        let timing = tally.timing()
                        let arrival = await emulator.arrival(of: digits) { client.publish(message) }
                        timing(arrival)
                        if arrival != nil { done += 1 }
                    }
                    return done
                }
            }
            var total = 0
            for await done in group { total += done }
            return total
        }
        return TimedRun(
            completed: completed, lost: tally.lostCount, seconds: (ContinuousClock.now - start).inSeconds,
            latency: tally.latency)
    }
}

/// A count shared by tasks.
private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
