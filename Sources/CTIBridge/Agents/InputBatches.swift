import NIOCore
import NIOPosix
import Synchronization

/// Inputs waiting for the agent desk, handed out in batches: whatever arrived while the desk was busy with the
/// previous batch is taken at once, so that it is stored in one SQLite transaction and then published.
///
/// Order is kept. One consumer at a time; any number of producers (phones report from many tasks).
/// Like an unbounded `AsyncStream`, which it replaces where batching pays: a batch costs one transaction
/// instead of one per input.
///
/// Under sustained traffic an input that finds the desk idle may wait up to `linger` for others to join it:
/// waking the desk, committing and publishing once per input was most of the bridge's cost per event at a few
/// thousand events a second (batches of one or two). Only while inputs keep coming (the desk was handed one
/// within `busyWindow`) and only on an event loop thread (the HTTP ingress), whose own timer wakes nobody else;
/// an input after a quiet spell is handed over at once.
final class InputBatches<Input: Sendable>: Sendable {
    private struct State {
        var buffer: [Input] = []
        var waiter: CheckedContinuation<[Input]?, Never>?
        var finished = false
        /// A hand-over is scheduled on an event loop; inputs meanwhile only join the buffer.
        var handOverScheduled = false
        var lastHandOver: ContinuousClock.Instant?
    }

    private enum Arrival {
        case queued
        case handOver(CheckedContinuation<[Input]?, Never>, [Input])
        case handOverLater(any EventLoop)
    }

    private let state = Mutex(State())
    /// The most inputs in one batch: bounds how long the first of them waits to be published.
    let maximumBatch: Int
    /// The longest an input waits for others under sustained traffic; zero hands every input over at once.
    let linger: Duration
    /// Traffic counts as sustained when the previous hand-over was at most this long ago.
    let busyWindow: Duration

    init(maximumBatch: Int = 256, linger: Duration = .zero, busyWindow: Duration = .milliseconds(20)) {
        self.maximumBatch = Swift.max(1, maximumBatch)
        self.linger = linger
        self.busyWindow = busyWindow
    }

    /// Queues an input; ignored after `finish()`.
    func yield(_ element: Input) {
        let arrival = state.withLock { state -> Arrival in
            guard !state.finished else { return .queued }
            state.buffer.append(element)
            guard state.waiter != nil, !state.handOverScheduled else { return .queued }
            let now = ContinuousClock.now
            if linger > .zero, let last = state.lastHandOver, now - last < busyWindow,
                let loop = MultiThreadedEventLoopGroup.currentEventLoop
            {
                state.handOverScheduled = true
                return .handOverLater(loop)
            }
            return handOver(&state, at: now)
        }
        switch arrival {
        case .queued:
            break
        case .handOver(let waiter, let batch):
            waiter.resume(returning: batch)
        case .handOverLater(let loop):
            loop.scheduleTask(in: TimeAmount(linger)) { self.handOverNow() }
        }
    }

    private func handOverNow() {
        let arrival = state.withLock { state -> Arrival in
            state.handOverScheduled = false
            guard state.waiter != nil, !state.buffer.isEmpty else { return .queued }
            return handOver(&state, at: .now)
        }
        if case .handOver(let waiter, let batch) = arrival { waiter.resume(returning: batch) }
    }

    /// Takes the waiting consumer and a batch for it; the caller resumes it outside the lock.
    private func handOver(_ state: inout State, at now: ContinuousClock.Instant) -> Arrival {
        let waiter = state.waiter!
        state.waiter = nil
        state.lastHandOver = now
        return .handOver(waiter, take(from: &state))
    }

    /// Ends the sequence: the consumer gets what is queued, then `nil`.
    func finish() {
        let ending = state.withLock { state -> (CheckedContinuation<[Input]?, Never>, [Input]?)? in
            state.finished = true
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            // A waiter can be waiting on a lingering batch: it gets that batch, the next call gets `nil`.
            return (waiter, state.buffer.isEmpty ? nil : take(from: &state))
        }
        if let (waiter, batch) = ending { waiter.resume(returning: batch) }
    }

    /// The inputs queued (at most `maximumBatch`), waiting for one when there are none; `nil` once finished and
    /// drained, or when the waiting task is cancelled.
    func next() async -> [Input]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Input]?, Never>) in
                let ready = state.withLock { state -> [Input]?? in
                    // While a hand-over is scheduled the buffer waits for it: the linger is what makes the batch.
                    if !state.buffer.isEmpty && (!state.handOverScheduled || state.finished) {
                        state.lastHandOver = .now
                        return .some(take(from: &state))
                    }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<[Input]?, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    private func take(from state: inout State) -> [Input] {
        guard state.buffer.count > maximumBatch else {
            let taken = state.buffer
            state.buffer = []
            return taken
        }
        defer { state.buffer.removeFirst(maximumBatch) }
        return Array(state.buffer.prefix(maximumBatch))
    }
}

extension InputBatches: AsyncSequence {
    struct AsyncIterator: AsyncIteratorProtocol {
        let batches: InputBatches

        mutating func next() async -> [Input]? { await batches.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(batches: self) }
}
