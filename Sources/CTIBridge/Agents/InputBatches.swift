import Synchronization

/// Inputs waiting for the agent desk, handed out in batches: whatever arrived while the desk was busy with the
/// previous batch is taken at once, so that it is stored in one SQLite transaction and then published.
///
/// Order is kept. One consumer at a time; any number of producers (phones report from many tasks).
/// Like an unbounded `AsyncStream`, which it replaces where batching pays: a batch costs one transaction
/// instead of one per input.
final class InputBatches<Input: Sendable>: Sendable {
    private struct State {
        var buffer: [Input] = []
        var waiter: CheckedContinuation<[Input]?, Never>?
        var finished = false
    }

    private let state = Mutex(State())
    /// The most inputs in one batch: bounds how long the first of them waits to be published.
    let maximumBatch: Int

    init(maximumBatch: Int = 256) {
        self.maximumBatch = Swift.max(1, maximumBatch)
    }

    /// Queues an input; ignored after `finish()`.
    func yield(_ element: Input) {
        let waiter = state.withLock { state -> CheckedContinuation<[Input]?, Never>? in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffer.append(element)
            return nil
        }
        waiter?.resume(returning: [element])
    }

    /// Ends the sequence: the consumer gets what is queued, then `nil`.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[Input]?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The inputs queued (at most `maximumBatch`), waiting for one when there are none; `nil` once finished and
    /// drained, or when the waiting task is cancelled.
    func next() async -> [Input]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Input]?, Never>) in
                let ready = state.withLock { state -> [Input]?? in
                    if !state.buffer.isEmpty { return .some(take(from: &state)) }
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
