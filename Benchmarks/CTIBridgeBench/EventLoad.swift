import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Phones calling the bridge's action URLs at a target rate (or flat out), each phone alternating a ring and a
/// far-end hangup, with the latency of each event from the phone's request to the observer's receipt.
///
/// Each phone is one keep-alive HTTP/1.1 connection, as a desk phone's action URLs reuse theirs, driven from one
/// NIO event loop with timers on that loop: the load generator shares the machine with the bridge, the broker
/// and the subscriber, so it must cost as little as it can (a task, a `Task.sleep` and a libcurl transfer per
/// event took more CPU than the broker).
final class EventLoad: Sendable {
    let phones: Int
    private let observer: BusObserver
    private let group: MultiThreadedEventLoopGroup
    private let connections: [NIOLoopBound<CallingPhone>]

    struct Result: Sendable {
        let targetRate: Int?
        let completed: Int
        let lost: Int
        let failedRequests: Int
        let seconds: Double
        let messages: Int
        let bytes: Int
        let latency: LatencyHistogram

        var rate: Double { Double(completed) / seconds }
        var messagesPerSecond: Double { Double(messages) / seconds }
        var label: String { targetRate.map { "\($0) events/s" } ?? "maximum" }
    }

    /// Opens one connection per phone to the bridge at `host:port`.
    init(host: String, port: Int, phones: Int, kind: BenchPhones, observer: BusObserver) async throws {
        self.phones = phones
        self.observer = observer
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(CallingPhone(host: "\(host):\(port)", kind: kind))
                }
            }
        var connections: [NIOLoopBound<CallingPhone>] = []
        for _ in 0..<phones {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            connections.append(
                try await channel.eventLoop.submit {
                    NIOLoopBound(try channel.pipeline.syncOperations.handler(type: CallingPhone.self), eventLoop: channel.eventLoop)
                }.get())
        }
        self.connections = connections
    }

    func run(rate: Int?, duration: Duration, numberBase: Int) async -> Result {
        let run = LoadRun(rate: rate, duration: duration, numberBase: numberBase, observer: observer)
        let messagesBefore = observer.messageCount
        let bytesBefore = observer.byteCount
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            run.whenAllFinished(phones: phones) { continuation.resume() }
            for (index, connection) in connections.enumerated() {
                connection.eventLoop.execute { connection.value.start(run, phone: index, connection: connection) }
            }
        }
        let elapsed = ContinuousClock.now - run.schedule.start
        return Result(
            targetRate: rate, completed: run.completed.load(ordering: .relaxed), lost: run.lost.load(ordering: .relaxed),
            failedRequests: run.failed.load(ordering: .relaxed), seconds: elapsed.inSeconds,
            messages: observer.messageCount - messagesBefore, bytes: observer.byteCount - bytesBefore,
            latency: run.latency)
    }

    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}

/// Hands out send times: slot n is due at start + n / rate; no slots after the end.
final class LoadSchedule: Sendable {
    let start: ContinuousClock.Instant
    let end: ContinuousClock.Instant
    let interval: Duration?
    private let next = Atomic<Int>(0)

    init(rate: Int?, duration: Duration) {
        start = .now + .milliseconds(50)
        end = start + duration
        interval = rate.map { .nanoseconds(1_000_000_000 / $0) }
    }

    /// The slot's number and due time, or nil when the run is over.
    func take() -> (slot: Int, due: ContinuousClock.Instant)? {
        let slot = next.add(1, ordering: .relaxed).oldValue
        guard let interval else { return ContinuousClock.now < end ? (slot, .now) : nil }
        let due = start + interval * slot
        // A bridge slower than the target ends the run on time; the rate achieved then shows the shortfall.
        return due < end && ContinuousClock.now < end ? (slot, due) : nil
    }
}

/// One load level: the schedule, what was measured, and when every phone is done.
final class LoadRun: Sendable {
    let schedule: LoadSchedule
    let numberBase: Int
    let observer: BusObserver
    let latency = LatencyHistogram()
    let completed = Atomic<Int>(0)
    let lost = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    private let finishing = Mutex<(remaining: Int, done: (@Sendable () -> Void)?)>((0, nil))

    init(rate: Int?, duration: Duration, numberBase: Int, observer: BusObserver) {
        schedule = LoadSchedule(rate: rate, duration: duration)
        self.numberBase = numberBase
        self.observer = observer
    }

    func whenAllFinished(phones: Int, _ done: @escaping @Sendable () -> Void) {
        finishing.withLock { $0 = (phones, done) }
    }

    func phoneFinished() {
        let done = finishing.withLock { state -> (@Sendable () -> Void)? in
            state.remaining -= 1
            return state.remaining == 0 ? state.done : nil
        }
        done?()
    }
}

/// One phone's connection and its ring/hangup cycle; lives on its channel's event loop.
final class CallingPhone: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private enum Step {
        case ring(number: String)
        case hangup(topic: String)
    }

    private let host: String
    private let kind: BenchPhones
    /// The phone's own number for its current call (Yealink's `$call_id`).
    private var call = 0
    private var context: ChannelHandlerContext?
    private var run: LoadRun?
    private var base = ""
    private var token = ""
    /// This phone as other threads reach it (the observer's callbacks hop back to the loop through it).
    private var bound: NIOLoopBound<CallingPhone>?
    /// A request waiting for the previous response: phones do not pipeline.
    private var queued: String?
    private var awaitingResponse = false

    init(host: String, kind: BenchPhones) {
        self.host = host
        self.kind = kind
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func start(_ run: LoadRun, phone: Int, connection: NIOLoopBound<CallingPhone>) {
        self.run = run
        bound = connection
        base = "/phones/\(FleetConfiguration.phoneID(phone))/events"
        token = FleetConfiguration.token(phone)
        nextRing()
    }

    /// Takes the next slot for a ring from a number unique to it, or finishes.
    private func nextRing() {
        guard let run, let (slot, due) = run.schedule.take() else { return finish() }
        let digits = String((run.numberBase + slot) % 100_000_000).leftPadded(to: 8)
        at(due) { $0.send(.ring(number: "+4420" + digits)) }
    }

    /// Takes the next slot for the far end's hangup; with none left, hangs up at once (no call is left behind
    /// for the next level) and finishes.
    private func nextHangup(topic: String) {
        guard let run, let (_, due) = run.schedule.take() else {
            request(kind.hangupCallback(base: base, token: token, call: call))
            return finish()
        }
        at(due) { $0.send(.hangup(topic: topic)) }
    }

    private func send(_ step: Step) {
        guard let run, let connection = bound else { return }
        let sent = ContinuousClock.now
        let then: BusObserver.Expectation = { sighting in
            connection.eventLoop.execute { connection.value.seen(sighting, sent: sent, after: step) }
        }
        switch step {
        case .ring(let number):
            run.observer.expectRing(number, then: then)
            call += 1
            request(kind.ringCallback(base: base, token: token, number: number, call: call))
        case .hangup(let topic):
            run.observer.expectClear(topic, then: then)
            request(kind.hangupCallback(base: base, token: token, call: call))
        }
    }

    private func seen(_ sighting: BusObserver.Sighting?, sent: ContinuousClock.Instant, after step: Step) {
        guard let run else { return }
        guard let sighting else {
            run.lost.add(1, ordering: .relaxed)
            return nextRing()
        }
        run.latency.record(sighting.at - sent)
        run.completed.add(1, ordering: .relaxed)
        switch step {
        case .ring: nextHangup(topic: sighting.topic)
        case .hangup: nextRing()
        }
    }

    private func finish() {
        let run = self.run
        self.run = nil
        run?.phoneFinished()
    }

    private func at(_ due: ContinuousClock.Instant, _ body: @escaping (CallingPhone) -> Void) {
        let delay = due - ContinuousClock.now
        guard delay > .microseconds(50), let context else { return body(self) }
        context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { body(self) }
    }

    /// Sends a GET now, or after the response to the previous one.
    private func request(_ uri: String) {
        guard !awaitingResponse else {
            queued = uri
            return
        }
        guard let context else { return }
        awaitingResponse = true
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "User-Agent", value: "ctibridge-bench")
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.status != .ok { run?.failed.add(1, ordering: .relaxed) }
        case .body:
            break
        case .end:
            awaitingResponse = false
            if let uri = queued {
                queued = nil
                request(uri)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        run?.failed.add(1, ordering: .relaxed)
        context.close(promise: nil)
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
