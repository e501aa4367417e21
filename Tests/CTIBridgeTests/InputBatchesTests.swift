import Foundation
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
}
