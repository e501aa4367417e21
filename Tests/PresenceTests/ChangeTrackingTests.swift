import CallModel
import Foundation
import Testing

@testable import Presence

/// The desk names what changed from the agents and queues an input touched, and keeps queue counts as agents
/// change state; these tests compare that with recounting and comparing every object, the slow way.
@Suite("Change tracking")
struct ChangeTrackingTests {
    @Test("effects name exactly the agents and queues whose objects changed; queue counts match a recount")
    func effectsMatchFullComparison() throws {
        for seed in UInt64(1)...300 {
            var g = SeededGenerator(state: seed &* 31)
            var h = DeskHarness()
            for step in 0..<60 {
                let agentsBefore = h.desk.agentObjects
                let queuesBefore = h.desk.queueObjects
                var effects: [DeskEffect] = []
                switch Int.random(in: 0..<20, using: &g) {
                case 0..<16:
                    effects = RandomizedDeskTests.randomEventOrCommand(&h, &g, command: Bool.random(using: &g))
                case 16:
                    h.advance(Double.random(in: 0...130, using: &g))
                    effects = h.tick()
                case 17:
                    effects = h.desk.phoneStatusChanged(
                        RandomizedDeskTests.phones.randomElement(using: &g)!, online: Bool.random(using: &g), now: h.now)
                case 18:
                    let keep = Set(RandomizedDeskTests.vendors.filter { _ in Bool.random(using: &g) }.map { PhoneCallID($0) })
                    effects = h.desk.reconcile(
                        phone: RandomizedDeskTests.phones.randomElement(using: &g)!, liveCalls: keep, now: h.now)
                default:
                    let offer = ACDOffer(
                        agent: "alice", queue: ["billing", "sales"].randomElement(using: &g)!, remote: nil, routePath: nil,
                        expiresAt: h.now.addingTimeInterval(10))
                    effects = (try? h.desk.offer(offer, now: h.now).get()) ?? []
                }
                let changedAgents = zip(agentsBefore, h.desk.agentObjects).filter { $0 != $1 }.map(\.0.id)
                let changedQueues = zip(queuesBefore, h.desk.queueObjects).filter { $0 != $1 }.map(\.0.id)
                guard effects.changedAgents == changedAgents, effects.changedQueues == changedQueues else {
                    let named = "\(effects.changedAgents) \(effects.changedQueues)"
                    Issue.record("seed \(seed) step \(step): effects name \(named), objects changed: \(changedAgents) \(changedQueues)")
                    return
                }
                for queue in h.desk.queueObjects {
                    var counts = AgentCounts()
                    for agent in DeskHarness.agents where agent.queues.contains(queue.id) { counts.add(h.acd(agent.id)) }
                    guard queue.agents == counts else {
                        Issue.record("seed \(seed) step \(step): \(queue.id) counts \(queue.agents), recount \(counts)")
                        return
                    }
                }
                h.advance(Double.random(in: 0...3, using: &g))
            }
        }
    }

    @Test("an agent's calls and a phone's calls stay in start order as calls come and go")
    func indexesKeepStartOrder() throws {
        var h = DeskHarness()
        h.ring("alice-desk", "1", from: "+441632960001")
        h.advance(6)
        h.ring("alice-desk", "2", from: "+441632960002")
        h.advance(6)
        h.ring("alice-soft", "3", from: "+441632960003")
        h.ring("bob-desk", "4", from: "+441632960004")
        h.answer("alice-desk", "2")
        #expect(h.agent().calls.map(\.remote.number) == ["+441632960001", "+441632960002", "+441632960003"])
        #expect(h.desk.book.calls(onPhone: "alice-desk").map(\.call.remote.number) == ["+441632960001", "+441632960002"])
        h.clear("alice-desk", "1")
        #expect(h.agent().calls.map(\.remote.number) == ["+441632960002", "+441632960003"])
        #expect(h.desk.book.calls(onPhone: "alice-desk").map(\.call.remote.number) == ["+441632960002"])
        #expect(h.desk.liveCalls.map(\.remote.number) == ["+441632960002", "+441632960003", "+441632960004"])
        #expect(h.agent("bob").calls.count == 1)
    }
}
