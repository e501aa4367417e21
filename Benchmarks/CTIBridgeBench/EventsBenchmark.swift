import ArgumentParser

/// Benchmark (1): phones' action-URL callbacks through the bridge to a subscriber, against the bare bus.
struct EventsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Event path: phone callbacks → bridge → MQTT → subscriber, and the bare-bus reference.")

    @Option(help: "Phones calling in concurrently.") var phones = 500
    @Option(help: "The phones' driver: yealink (Action URLs as Yealink phones send them, parsed by the Yealink driver; an emulator answers its probes) or simulator (simulated in the bridge, as in the first three rounds).")
    var driver: EventDriver = .yealink
    @Option(help: "Seconds per load level.") var seconds = 10
    @Option(parsing: .upToNextOption, help: "Target event rates (events/s); the maximum always runs last.")
    var rates: [Int] = [1000, 5000]
    @Option(help: "Seconds of unmeasured warm-up load.") var warmup = 2
    @Option(help: "The ctibridge binary.") var binary = BenchBridge.defaultBinary

    func validate() throws {
        guard rates.allSatisfy({ (1...1_000_000).contains($0) }) else { throw ValidationError("rates are 1 to 1,000,000 a second") }
    }

    func run() async throws {
        var emulator: Task<Void, any Error>?
        let kind: BenchPhones
        switch driver {
        case .simulator:
            kind = .simulated
        case .yealink:
            let (url, server) = try await PhoneEmulator().start()
            emulator = server
            kind = .yealink(emulatorURL: url)
        }
        defer { emulator?.cancel() }
        let broker = try await BenchBroker.start()
        let bridge = try BenchBridge.start(binary: binary, phones: phones, broker: broker, healthIntervalSeconds: 60, kind: kind)
        do {
            try await measure(bridge: bridge, broker: broker, kind: kind)
        } catch {
            await bridge.stop()
            throw error
        }
        await bridge.stop()
    }

    private func measure(bridge: BenchBridge, broker: BenchBroker, kind: BenchPhones) async throws {
        try await bridge.waitUntilListening()
        let observer = try await BusObserver(broker: broker.url, filter: "cti/#", name: "events")
        let load = try await EventLoad(host: "127.0.0.1", port: bridge.httpPort, phones: phones, kind: kind, observer: observer)
        print("event path: \(phones) \(driver.rawValue) phones, \(seconds) s per level, bridge pid \(bridge.child.pid)")

        // Warm-up: connections, SQLite pages and the bridge's first probes, not measured.
        if warmup > 0 { _ = await load.run(rate: 500, duration: .seconds(warmup), numberBase: 90_000_000) }
        var results: [EventLoad.Result] = []
        var base = 0
        for rate in rates + [nil as Int?] {
            try await Task.sleep(for: .milliseconds(200))
            let before = ProcessSample(pid: bridge.child.pid)
            let result = await load.run(rate: rate, duration: .seconds(seconds), numberBase: base)
            let after = ProcessSample(pid: bridge.child.pid)
            // CPU time per event does not depend on what else the machine runs, unlike the rates.
            let cpu = (after?.cpuSeconds ?? 0) - (before?.cpuSeconds ?? 0)
            let switches = (after?.contextSwitches ?? 0) - (before?.contextSwitches ?? 0)
            // Threads that exited during the level took their context switches with them.
            let threadsExited = before.map { !$0.threadIDs.isSubset(of: after?.threadIDs ?? []) } ?? false
            base += 10_000_000
            results.append(result)
            print(
                "  \(result.label): \(Int(result.rate)) events/s sustained (\(result.completed) events, \(result.lost) lost, "
                    + "\(result.failedRequests) failed requests), \(result.latency.summary); "
                    + "\(Int(result.messagesPerSecond)) MQTT messages/s, \(format(Double(result.messages) / Double(max(1, result.completed)))) per event; "
                    + "bridge CPU \(format(cpu / result.seconds * 100)) % of one core, "
                    + "\(Int(cpu * 1_000_000 / Double(max(1, result.completed)))) µs per event, "
                    + "\(format(Double(switches) / Double(max(1, result.completed)))) context switches per event"
                    + (threadsExited ? " (a thread exited during the level: undercounted)" : ""))
        }
        guard let maximum = results.last, maximum.messages > 0 else { throw BenchError("no messages seen") }

        let reference = try await BusObserver(broker: broker.url, filter: "bench/#", name: "reference")
        let averageSize = maximum.bytes / maximum.messages
        let count = min(maximum.messages, ReferencePublisher.maximumCount)
        // The reference moves by ±15 % from one run to the next on a shared 2-core machine: the median of three.
        var rates: [Double] = []
        for _ in 0..<3 {
            let run = try await ReferencePublisher(broker: broker).run(
                count: count, payloadSize: averageSize - "bench/reference".utf8.count, observer: reference)
            rates.append(run.messagesPerSecond)
        }
        let median = rates.sorted()[1]
        let ratio = maximum.messagesPerSecond / median
        print(
            "  reference (mosquitto_pub -l, \(count) messages of \(averageSize) bytes, QoS 1, median of "
                + "\(rates.map { String(Int($0)) }.joined(separator: ", ")) messages/s): \(Int(median)) messages/s = "
                + "\(Int(median / (Double(maximum.messages) / Double(maximum.completed)))) events/s equivalent")
        print("  ratio bridge/reference (MQTT messages/s at maximum): \(format(ratio * 100)) %")
        // The bus alone at each level's message rate: how much of the event path's latency is the bus's.
        let messagesPerEvent = Double(maximum.messages) / Double(max(1, maximum.completed))
        for (index, rate) in self.rates.enumerated() {
            let messageRate = Int((Double(rate) * messagesPerEvent).rounded())
            let paced = try await ReferenceLatency(broker: broker).run(
                messagesPerSecond: messageRate, duration: .seconds(seconds),
                payloadSize: averageSize - ReferenceLatency.topic.utf8.count, numberBase: 60_000_000 + index * 1_000_000,
                observer: reference)
            print(
                "  reference latency at \(messageRate) messages/s (the bus alone at \(rate) events/s): "
                    + "\(Int(paced.rate)) messages/s, \(paced.lost) lost, \(paced.latency.summary)")
        }
        await reference.stop()
        await observer.stop()
        await load.shutdown()
    }
}
