import CallModel
import Foundation
import Testing

@testable import Presence

/// SplitMix64: a small seeded generator so that a failing sequence can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Random event and command sequences")
struct RandomizedDeskTests {
    static let phones = ["alice-desk", "alice-soft", "bob-desk", "carol-desk", "stranger"]
    static let vendors = ["v1", "v2", "v3"]
    static let numbers: [String?] = ["+441632960123", "01632 960123", "+441632960999", "202", nil, "sip:anonymous@x"]
    static let dialled: [String?] = [nil, "+442079460100", "020 7946 0200", "+449999"]
    static let causes = ClearCause.allCases
    static let agents = ["alice", "bob", "carol", "nobody"]

    static func randomEvent(_ g: inout SeededGenerator) -> PhoneEvent.Kind {
        let call = PhoneCallID(vendors.randomElement(using: &g)!)
        let party = CallParty(address: numbers.randomElement(using: &g)!)
        switch Int.random(in: 0..<12, using: &g) {
        case 0, 1: return .delivered(call: call, remote: party, dialled: dialled.randomElement(using: &g)!)
        case 2: return .serviceInitiated(call: call, remote: party)
        case 3: return .remoteAlerting(call: call)
        case 4, 5: return .established(call: call, remote: Bool.random(using: &g) ? party : nil)
        case 6: return .held(call: call)
        case 7: return .retrieved(call: call)
        case 8, 9: return .connectionCleared(call: call, cause: causes.randomElement(using: &g)!)
        case 10: return Bool.random(using: &g) ? .transferred(call: call, target: "203") : .diverted(call: call, target: nil)
        default:
            switch Int.random(in: 0..<3, using: &g) {
            case 0: return .doNotDisturb(on: Bool.random(using: &g))
            case 1: return .forwarding(target: Bool.random(using: &g) ? "07700900123" : nil)
            default: return .rebooted
            }
        }
    }

    static func randomCommand(_ g: inout SeededGenerator) -> AgentCommand {
        let commands: [AgentCommand] = [
            .login, .logout, .ready, .away, .endWrap, .extendWrap, .login, .ready,
            .queue(["sales", "support", "billing"].randomElement(using: &g)!, enabled: Bool.random(using: &g)),
            .presence(["available", "meeting", "nope"].randomElement(using: &g)!, message: Bool.random(using: &g) ? "x" : nil),
            .mode(Bool.random(using: &g) ? .softphone : .deskphone), .dnd(on: Bool.random(using: &g)),
            .forward(to: ["+447700900123", nil, "bad&"].randomElement(using: &g)!),
            .favorite(contact: ["bob", "carol", "ext-0"].randomElement(using: &g)!, on: Bool.random(using: &g)),
        ]
        return commands.randomElement(using: &g)!
    }

    /// Applies a random phone event on a random phone, or a random command of a random agent; the effects (none
    /// for a refused command).
    static func randomEventOrCommand(_ h: inout DeskHarness, _ g: inout SeededGenerator, command: Bool) -> [DeskEffect] {
        guard command else { return h.event(phones.randomElement(using: &g)!, randomEvent(&g)) }
        let command = randomCommand(&g)
        guard case .success(let outcome) = h.desk.perform(command, agent: agents.randomElement(using: &g)!, now: h.now) else {
            return []
        }
        return outcome.effects
    }

    /// Checks everything that must hold after any input; returns the first broken rule.
    static func brokenInvariant(_ desk: AgentDesk, effects: [DeskEffect]) -> String? {
        let live = desk.liveCalls
        for agent in desk.agentIDs {
            let object = desk.agentObject(agent)!
            let onCall = live.contains { $0.agent == agent && $0.isActive }
            if object.acd.state == .busy && !onCall { return "\(agent) is busy with no live call" }
            if object.acd.state != .loggedOut && onCall && object.acd.state != .busy { return "\(agent) on a call but not busy" }
            if object.onCall != onCall { return "\(agent).onCall disagrees with the calls" }
            if (object.acd.state == .wrap) != (object.acd.wrapEndsAt != nil) { return "\(agent) wrapEndsAt mismatch" }
            if object.calls != live.filter({ $0.agent == agent }) { return "\(agent).calls disagrees with live calls" }
            let presence = DeskHarness.presences.first { $0.id == object.presence.id }!
            let status = AgentStatus.derive(
                dnd: object.dnd, acd: object.acd.state, onCall: onCall, availability: presence.availability)
            if object.status != status { return "\(agent) status \(object.status) should be \(status)" }
        }
        for queue in desk.queueObjects {
            let members = DeskHarness.agents.filter { $0.queues.contains(queue.id) }.count
            if queue.agents.total != members { return "queue \(queue.id) counts \(queue.agents.total) of \(members)" }
            if queue.activeCalls != live.count(where: { $0.queue == queue.id }) { return "queue \(queue.id) activeCalls" }
        }
        for call in live {
            guard let record = desk.liveCall(call.id), !record.legs.isEmpty else { return "call \(call.id) has no legs" }
            for leg in record.legs {
                if desk.agentID(owningPhone: leg.phone) != call.agent { return "leg on another agent's phone" }
                if desk.callID(phone: leg.phone, vendorCall: leg.vendorCall) != call.id { return "leg index broken" }
            }
            if !call.state.isLive { return "live call in state \(call.state)" }
        }
        let changed = effects.changedAgents
        if Set(changed).count != changed.count { return "more than one agentChanged for an agent" }
        for ended in effects.endedCalls where ended.endedAt == nil || ended.cause == nil || ended.state.isLive {
            return "ended call \(ended.id) without endedAt/cause"
        }
        let missedNotes = effects.filter {
            if case .notify(_, let note) = $0 { return note.type == .callMissed }
            return false
        }.count
        if missedNotes != effects.history.count(where: \.missed) { return "missed notifications ≠ missed history" }
        if effects.history.count != effects.endedCalls.count { return "history entries ≠ ended calls" }
        return nil
    }

    @Test("1,000 random sequences keep the desk consistent; clearing everything leaves no call and nobody busy")
    func randomSequences() throws {
        for seed in UInt64(1)...1_000 {
            var g = SeededGenerator(state: seed)
            var h = DeskHarness()
            for step in 0..<60 {
                var effects: [DeskEffect] = []
                let roll = Int.random(in: 0..<20, using: &g)
                switch roll {
                case 0..<16:
                    effects = Self.randomEventOrCommand(&h, &g, command: roll >= 11)
                case 16:
                    let offer = ACDOffer(
                        agent: ["alice", "bob"].randomElement(using: &g)!, queue: "billing",
                        remote: Self.numbers.randomElement(using: &g)!, routePath: "IVR",
                        expiresAt: h.now.addingTimeInterval(Double.random(in: -2...20, using: &g)))
                    effects = (try? h.desk.offer(offer, now: h.now).get()) ?? []
                case 17:
                    h.advance(Double.random(in: 0...40, using: &g))
                    effects = h.tick()
                case 18:
                    effects = h.desk.phoneStatusChanged(
                        Self.phones.randomElement(using: &g)!, online: Bool.random(using: &g), now: h.now)
                default:
                    let snapshot = h.desk.snapshot()
                    var restored = DeskHarness()
                    restored.now = h.now
                    restored.desk.restore(try SnapshotTests.throughJSON(snapshot), now: h.now)
                    guard restored.desk.agentObjects == h.desk.agentObjects, restored.desk.liveCalls == h.desk.liveCalls else {
                        Issue.record("seed \(seed) step \(step): restore changed the published state")
                        return
                    }
                }
                h.advance(Double.random(in: 0...3, using: &g))
                if let broken = Self.brokenInvariant(h.desk, effects: effects) {
                    Issue.record("seed \(seed) step \(step): \(broken)")
                    return
                }
            }
            for call in h.desk.liveCalls {
                for leg in h.desk.liveCall(call.id)?.legs ?? [] {
                    h.event(leg.phone, .connectionCleared(call: leg.vendorCall, cause: .normal))
                }
            }
            guard h.desk.liveCalls.isEmpty else {
                Issue.record("seed \(seed): calls left after every leg cleared")
                return
            }
            for agent in h.desk.agentIDs where h.acd(agent) == .busy {
                Issue.record("seed \(seed): \(agent) busy after every call ended")
                return
            }
            if let broken = Self.brokenInvariant(h.desk, effects: []) {
                Issue.record("seed \(seed) at the end: \(broken)")
                return
            }
        }
    }
}
