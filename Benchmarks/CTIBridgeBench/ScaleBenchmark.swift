import ArgumentParser
import Logging
import PhoneDrivers

/// Benchmark (3): one bridge with thousands of phones and agents: start-up, memory, idle CPU, memory per call.
struct ScaleBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Scale: start-up, RSS, idle CPU and memory per call with a generated fleet.")

    @Option(help: "Phones, each with its own agent.") var phones = 10_000
    @Option(help: "Seconds of idle CPU measurement (health probes keep running).") var idleSeconds = 60
    @Option(help: "Health probe interval of the generated configuration, seconds.") var healthInterval = 60
    @Option(help: "Calls per round (one per phone, three rounds) to measure memory per active call.") var calls = 1000
    @Option(help: "The ctibridge binary.") var binary = BenchBridge.defaultBinary

    /// Rounds of calls for memory per call: the later rounds show what a call costs once the buffers are there.
    static let rounds = 3

    func run() async throws {
        let broker = try await BenchBroker.start()
        // Subscribed before the bridge starts, so start-up is timed to the last retained topic's arrival.
        let observer = try await BusObserver(broker: broker.url, filter: "cti/#", name: "scale", trackTopics: true)
        print("scale: \(phones) phones, \(phones) agents (generating the configuration)")
        let bridge = try BenchBridge.start(binary: binary, phones: phones, broker: broker, healthIntervalSeconds: healthInterval)
        do {
            try await measure(bridge: bridge, observer: observer)
        } catch {
            await bridge.stop()
            await broker.stop()
            throw error
        }
        await observer.stop()
        await bridge.stop()
        await broker.stop()
    }

    private func measure(bridge: BenchBridge, observer: BusObserver) async throws {
        let pid = bridge.child.pid
        try await bridge.waitUntilListening()
        let listening = ContinuousClock.now - bridge.startedAt
        print("  HTTP listening after \(seconds(listening)) s")

        var agentsDone: Duration?
        var phonesDone: Duration?
        let deadline = ContinuousClock.now + .seconds(120)
        while agentsDone == nil || phonesDone == nil {
            guard ContinuousClock.now < deadline else { break }
            if let code = bridge.child.exitCode { throw BenchError("ctibridge exited (\(code)): \(bridge.log)") }
            try await Task.sleep(for: .milliseconds(10))
            if agentsDone == nil,
                observer.topicCount(where: { $0.hasPrefix("cti/agents/") && !$0.hasSuffix("/events") }) >= phones
            {
                agentsDone = (observer.lastReceipt ?? .now) - bridge.startedAt
            }
            if phonesDone == nil, observer.topicCount(where: { $0.hasPrefix("cti/phones/") }) >= phones {
                phonesDone = (observer.lastReceipt ?? .now) - bridge.startedAt
            }
        }
        print("  all \(phones) agent topics published after \(agentsDone.map(seconds) ?? "(not within 120 s)") s")
        print("  all \(phones) phone topics published after \(phonesDone.map(seconds) ?? "(not within 120 s)") s")
        let messagesAtStart = observer.messageCount
        print("  retained topics seen: \(observer.topicCount { _ in true }), messages: \(messagesAtStart)")

        try await Task.sleep(for: .seconds(2))
        guard let afterStart = ProcessSample(pid: pid) else { throw BenchError("no /proc entry for \(pid)") }
        print("  RSS after start-up: \(format(afterStart.residentMegabytes)) MB, open file descriptors: \(afterStart.openDescriptors)")

        let idleStart = ContinuousClock.now
        try await Task.sleep(for: .seconds(idleSeconds))
        guard let afterIdle = ProcessSample(pid: pid) else { throw BenchError("ctibridge gone during idle") }
        let idleWall = Double((ContinuousClock.now - idleStart).components.seconds)
        let idleCPU = (afterIdle.cpuSeconds - afterStart.cpuSeconds) / idleWall
        print(
            "  idle CPU over \(idleSeconds) s: \(format(idleCPU * 100)) % of one core "
                + "(\(format(afterIdle.cpuSeconds - afterStart.cpuSeconds)) CPU s, \(observer.messageCount - messagesAtStart) messages); "
                + "RSS \(format(afterIdle.residentMegabytes)) MB, fds \(afterIdle.openDescriptors)")

        var logger = Logger(label: "bench-http")
        logger.logLevel = .warning
        let http = PhoneHTTPClient(logger: logger)
        // Memory per call from the later rounds of calls: the first round also grows buffers and caches that a
        // burst of calls needs once (HTTP connections, the store's pages, malloc arenas), which the others reuse.
        let perRound = min(calls, phones / Self.rounds)
        if perRound < calls { print("  (\(perRound) calls per round: each round rings phones of its own)") }
        var before = afterIdle
        for round in 0..<Self.rounds {
            let phonesRung = (round * perRound)..<((round + 1) * perRound)
            let ringStart = ContinuousClock.now
            let rung = try await ringEverywhere(phones: phonesRung, bridge: bridge, observer: observer, http: http)
            let took = seconds(ContinuousClock.now - ringStart)
            try await Task.sleep(for: .seconds(2))
            guard let after = ProcessSample(pid: pid) else { throw BenchError("ctibridge gone after ringing") }
            let perCall = Double(after.residentBytes - before.residentBytes) / Double(max(1, rung))
            print(
                "  round \(round + 1): rang \(rung) of \(perRound) calls in \(took) s; \((round + 1) * perRound) calls ringing: "
                    + "RSS \(format(after.residentMegabytes)) MB, \(format(perCall / 1024)) KB per call of this round"
                    + (round == 0 ? " (with the first burst's buffers)" : "") + ", fds \(after.openDescriptors)")
            before = after
        }
        http.shutdown()
    }

    /// Rings one call on each of `phones`, a few hundred at a time; returns how many appeared.
    private func ringEverywhere(
        phones: Range<Int>, bridge: BenchBridge, observer: BusObserver, http: PhoneHTTPClient
    ) async throws -> Int {
        await withTaskGroup(of: Bool.self) { group in
            var seen = 0
            var next = phones.lowerBound
            func add() {
                let index = next
                next += 1
                let digits = String(50_000_000 + index).leftPadded(to: 8)
                let url = "\(bridge.baseURL)/phones/\(FleetConfiguration.phoneID(index))/events/ring?"
                    + "token=\(FleetConfiguration.token(index))&from=%2B4420\(digits)"
                group.addTask {
                    await observer.ring("+4420" + digits, timeout: .seconds(60)) {
                        Task { _ = try? await http.execute(.get(url, totalTimeout: .seconds(30))) }
                    } != nil
                }
            }
            while next < min(phones.upperBound, phones.lowerBound + 200) { add() }
            for await ok in group {
                if ok { seen += 1 }
                if next < phones.upperBound { add() }
            }
            return seen
        }
    }

    private func seconds(_ duration: Duration) -> String {
        format(duration.inSeconds)
    }
}
