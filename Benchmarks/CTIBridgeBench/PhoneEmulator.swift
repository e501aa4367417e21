import Hummingbird
import Logging
import Synchronization

/// Many phones behind one loopback HTTP server (`/{phone}/…`), answering every request 200 `OK` (Snom's commands,
/// Yealink's and Snom's health probes) and waking whoever waits for a dialled number to arrive.
final class PhoneEmulator: Sendable {
    private struct Waiter {
        let deadline: ContinuousClock.Instant
        /// Told when the request arrived, or nil when the wait expired.
        let arrived: @Sendable (ContinuousClock.Instant?) -> Void
    }

    private let waiters = Mutex<[String: Waiter]>([:])
    private let requests = Atomic<Int>(0)

    var requestCount: Int { requests.load(ordering: .relaxed) }

    /// Registers the wait for `number`, runs `send`, and returns when the phone's dial request arrived
    /// (nil if it did not within `timeout`).
    func arrival(of number: String, timeout: Duration = .seconds(10), send: @Sendable () -> Void) async
        -> ContinuousClock.Instant?
    {
        await withCheckedContinuation { continuation in
            expect(number, timeout: timeout) { continuation.resume(returning: $0) }
            send()
        }
    }

    /// Registers the wait for `number` without waiting: `arrived` is told the arrival (nil after `timeout`).
    func expect(
        _ number: String, timeout: Duration = .seconds(10), arrived: @escaping @Sendable (ContinuousClock.Instant?) -> Void
    ) {
        waiters.withLock { $0[String(number.suffix(8))] = Waiter(deadline: .now + timeout, arrived: arrived) }
    }

    /// Gives up on waits past their deadline; run every so often.
    func expireWaiters() {
        let now = ContinuousClock.now
        let expired: [Waiter] = waiters.withLock { waiters in
            let late = waiters.filter { $0.value.deadline < now }
            for key in late.keys { waiters[key] = nil }
            return Array(late.values)
        }
        for waiter in expired { waiter.arrived(nil) }
    }

    fileprivate func received(number: String?, at instant: ContinuousClock.Instant) {
        requests.add(1, ordering: .relaxed)
        guard let number, let waiter = waiters.withLock({ $0.removeValue(forKey: String(number.suffix(8))) }) else { return }
        waiter.arrived(instant)
    }

    /// Starts serving on a free loopback port; returns the base URL and the task to cancel when done.
    func start() async throws -> (url: String, server: Task<Void, any Error>) {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task { try await serve { portContinuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            server.cancel()
            throw BenchError("phone emulator did not start")
        }
        return ("http://127.0.0.1:\(port)", server)
    }

    /// Serves until the surrounding task is cancelled; `onPort` is told the port once it listens.
    func serve(onPort: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router()
        router.get("**") { [self] request, _ -> String in
            let instant = ContinuousClock.now
            received(number: request.uri.queryParameters.get("number"), at: instant)
            return "OK"
        }
        var logger = Logger(label: "bench-phones")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "snom-emulator"),
            onServerRunning: { channel in onPort(channel.localAddress?.port ?? 0) }, logger: logger)
        let sweeper = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                expireWaiters()
            }
        }
        defer { sweeper.cancel() }
        try await app.runService(gracefulShutdownSignals: [])
    }
}
