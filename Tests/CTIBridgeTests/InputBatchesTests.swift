import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import CTIBridge

@Suite("Input batches")
struct InputBatchesTests {
    @Test("what queued while the consumer was busy comes as one batch, in order, at most maximumBatch at a time")
    func batchesInOrder() async {
        let inputs = InputBatches<Int>(maximumBatch: 3)
        for value in 1...5 { inputs.yield(value) }
        #expect(await inputs.next() == [1, 2, 3])
        #expect(await inputs.next() == [4, 5])
        inputs.yield(6)
        #expect(await inputs.next() == [6])
    }

    @Test("a waiting consumer gets the next input at once; after finish it gets what is left, then nil")
    func waitAndFinish() async {
        let inputs = InputBatches<Int>()
        async let first = inputs.next()
        try? await Task.sleep(for: .milliseconds(50))
        inputs.yield(1)
        #expect(await first == [1])
        inputs.yield(2)
        inputs.finish()
        inputs.yield(3)
        #expect(await inputs.next() == [2])
        #expect(await inputs.next() == nil)
    }

    @Test("cancelling the waiting task ends its wait with nil")
    func cancellation() async {
        let inputs = InputBatches<Int>()
        let waiting = Task { await inputs.next() }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        #expect(await waiting.value == nil)
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await inputs.next()
        }
        #expect(await late.value == nil)
    }

    @Test("many producers: every input arrives once, each producer's in its order")
    func manyProducers() async {
        let inputs = InputBatches<Int>(maximumBatch: 7)
        await withTaskGroup(of: Void.self) { group in
            for producer in 0..<8 {
                group.addTask { for index in 0..<500 { inputs.yield(producer * 1000 + index) } }
            }
            var seen: [Int] = []
            while seen.count < 4000, let batch = await inputs.next() { seen += batch }
            #expect(seen.count == 4000)
            for producer in 0..<8 {
                let mine = seen.filter { $0 / 1000 == producer }
                #expect(mine == Array(producer * 1000..<producer * 1000 + 500))
            }
            await group.waitForAll()
        }
    }

    /// Yields `values` from `loop`'s thread, as the HTTP ingress does, one every `spacing`.
    private func yieldOnLoop(_ inputs: InputBatches<Int>, _ values: [Int], on loop: any EventLoop, spacing: Duration = .zero) async throws {
        for value in values {
            try await loop.submit { inputs.yield(value) }.get()
            if spacing > .zero { try await Task.sleep(for: spacing) }
        }
    }

    /// A first input after a quiet spell goes at once, and starts the traffic.
    private func handOverFirst(_ inputs: InputBatches<Int>, on loop: any EventLoop) async throws {
        async let first = inputs.next()
        try await Task.sleep(for: .milliseconds(20))
        try await yieldOnLoop(inputs, [1], on: loop)
        #expect(await first == [1])
    }

    @Test("under sustained traffic from an event loop, inputs arriving within the linger are handed over as one batch")
    func lingerBatchesSustainedTraffic() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let inputs = InputBatches<Int>(linger: .milliseconds(300), busyWindow: .seconds(10))
        try await handOverFirst(inputs, on: group.next())

        async let second = inputs.next()
        try await Task.sleep(for: .milliseconds(5))
        let sent = ContinuousClock.now
        try await yieldOnLoop(inputs, [2, 3, 4], on: group.next(), spacing: .milliseconds(10))
        #expect(await second == [2, 3, 4])
        #expect(ContinuousClock.now - sent >= .milliseconds(250), "handed over before the linger ended")
        try await group.shutdownGracefully()
    }

    @Test("after a quiet spell, or from outside an event loop, an input is handed over at once")
    func noLingerWhenQuietOrOffLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let inputs = InputBatches<Int>(linger: .seconds(2), busyWindow: .seconds(1))
        try await handOverFirst(inputs, on: group.next())

        // Traffic is sustained (the last hand-over was just now), but this producer is a plain task.
        async let second = inputs.next()
        try await Task.sleep(for: .milliseconds(5))
        var sent = ContinuousClock.now
        inputs.yield(2)
        #expect(await second == [2])
        #expect(ContinuousClock.now - sent < .seconds(1))

        // Quiet for longer than the busy window: the event loop's input goes at once too.
        async let third = inputs.next()
        try await Task.sleep(for: .milliseconds(1500))
        sent = ContinuousClock.now
        try await yieldOnLoop(inputs, [3], on: group.next())
        #expect(await third == [3])
        #expect(ContinuousClock.now - sent < .seconds(1))
        try await group.shutdownGracefully()
    }

    @Test("finish while a batch lingers hands that batch over, then nil")
    func finishDuringLinger() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let inputs = InputBatches<Int>(linger: .seconds(5), busyWindow: .seconds(10))
        try await handOverFirst(inputs, on: group.next())
        async let second = inputs.next()
        try await Task.sleep(for: .milliseconds(5))
        try await yieldOnLoop(inputs, [2, 3], on: group.next())
        inputs.finish()
        #expect(await second == [2, 3])
        #expect(await inputs.next() == nil)
        try await group.shutdownGracefully()
    }
}
