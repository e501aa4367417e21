import CallModel
import Foundation
import Logging
import PhoneDrivers
import Testing

@Suite("Simulator driver")
struct SimulatorDriverTests {
    func makeDriver(_ options: [String: DriverOptionValue] = [:], collector: EventCollector) throws -> SimulatorDriver {
        try SimulatorDriver(
            configuration: PhoneConfiguration(id: "desk", driver: "simulator", options: DriverOptions(options)),
            context: PhoneDriverContext(events: collector.sink, logger: Logger(label: "test")))
    }

    func ring(_ driver: SimulatorDriver, from: String = "+441632960123") async -> PhoneEventIngressResult {
        await driver.receive(PhoneEventRequest(method: "POST", subpath: "ring", query: [("from", from), ("name", "Bob")]))
    }

    @Test("an incoming call goes alerting → connected → cleared(normal)")
    func incomingCall() async throws {
        let events = EventCollector()
        let driver = try makeDriver(collector: events)
        guard case .accepted = await ring(driver) else { Issue.record("ring refused"); return }
        let delivered = try await events.waitFor(count: 1)
        guard case .delivered(let id, let remote, _) = delivered[0].kind else {
            Issue.record("expected delivered, got \(delivered[0].kind)"); return
        }
        #expect(remote.address == "+441632960123")
        #expect(remote.displayName == "Bob")
        #expect(try await driver.perform(.answer(call: nil)).callID == id)
        #expect(try await driver.perform(.hangup(call: id)).callID == id)
        let all = try await events.waitFor(count: 3)
        #expect(all[1].kind == .established(call: id, remote: remote))
        #expect(all[2].kind == .connectionCleared(call: id, cause: .normal))
        #expect(await driver.liveCalls().isEmpty)
    }

    @Test("an outgoing call goes initiated → connected when the far end answers → cleared(normal)")
    func outgoingCall() async throws {
        let events = EventCollector()
        let driver = try makeDriver(["farEndAnswerSeconds": .number(0.05)], collector: events)
        let outcome = try await driver.perform(.dial(try DialString(validating: "+44 1632 960123")))
        let id = try #require(outcome.callID)
        let all = try await events.waitFor(count: 2)
        #expect(all[0].kind == .serviceInitiated(call: id, remote: CallParty(address: "+441632960123")))
        #expect(all[1].kind == .established(call: id, remote: CallParty(address: "+441632960123")))
        _ = try await driver.perform(.hangup(call: nil))
        #expect(try await events.waitFor(count: 3)[2].kind == .connectionCleared(call: id, cause: .normal))
    }

    @Test("a call nobody answers ends as missed after the ring timeout")
    func missedCall() async throws {
        let events = EventCollector()
        let driver = try makeDriver(["ringTimeoutSeconds": .number(0.05)], collector: events)
        _ = await ring(driver)
        let all = try await events.waitFor(count: 2)
        guard case .delivered(let id, _, _) = all[0].kind else { Issue.record("no delivered"); return }
        #expect(all[1].kind == .connectionCleared(call: id, cause: .missed))
    }

    @Test("hold and resume, then transfer away")
    func holdResumeTransfer() async throws {
        let events = EventCollector()
        let driver = try makeDriver(collector: events)
        _ = await ring(driver)
        let id = try #require(try await driver.perform(.answer(call: nil)).callID)
        _ = try await driver.perform(.hold(call: nil))
        _ = try await driver.perform(.resume(call: nil))
        _ = try await driver.perform(.transfer(to: try DialString(validating: "202"), call: nil))
        let kinds = try await events.waitFor(count: 5).map(\.kind)
        #expect(kinds[2] == .held(call: id))
        #expect(kinds[3] == .retrieved(call: id))
        #expect(kinds[4] == .transferred(call: id, target: "202"))
    }

    @Test("commands without a matching call fail with noCall or invalidState")
    func commandErrors() async throws {
        let events = EventCollector()
        let driver = try makeDriver(collector: events)
        await #expect(throws: PhoneCommandError.noCall("no call to answer on phone desk")) {
            try await driver.perform(.answer(call: nil))
        }
        _ = await ring(driver)
        let id = try #require(try await events.waitFor(count: 1)[0].callID)
        await #expect(throws: PhoneCommandError.self) { try await driver.perform(.resume(call: id)) }
    }

    @Test("DND refuses calls; forwarding diverts them")
    func dndAndForward() async throws {
        let events = EventCollector()
        let driver = try makeDriver(collector: events)
        _ = try await driver.perform(.setDoNotDisturb(true))
        #expect(await ring(driver) == .accepted(body: #"{"callId":null,"refused":"dnd"}"#))
        _ = try await driver.perform(.setDoNotDisturb(false))
        _ = try await driver.perform(.setForwarding(try DialString(validating: "0800 123")))
        _ = await ring(driver)
        let kinds = try await events.waitFor(count: 5).map(\.kind)
        #expect(kinds[0] == .doNotDisturb(on: true))
        #expect(kinds[1] == .doNotDisturb(on: false))
        #expect(kinds[2] == .forwarding(target: "0800123"))
        guard case .diverted(_, let target) = kinds[4] else { Issue.record("expected diverted"); return }
        #expect(target == "0800123")
    }

    @Test("power loss drops calls silently and power-on reports a reboot")
    func powerCycle() async throws {
        let events = EventCollector()
        let driver = try makeDriver(collector: events)
        _ = await ring(driver)
        _ = await driver.receive(PhoneEventRequest(method: "GET", subpath: "power", query: [("state", "off")]))
        #expect(await driver.probe() != .reachable)
        await #expect(throws: PhoneCommandError.self) { try await driver.perform(.answer(call: nil)) }
        _ = await driver.receive(PhoneEventRequest(method: "GET", subpath: "power", query: [("state", "on")]))
        #expect(await driver.probe() == .reachable)
        let kinds = try await events.waitFor(count: 2).map(\.kind)
        #expect(kinds[1] == .rebooted)
        #expect(await driver.liveCalls().isEmpty)
    }

    @Test("malformed simulator callbacks are refused")
    func malformed() async throws {
        let events = EventCollector()
        let driver = try makeDriver(collector: events)
        #expect(await driver.receive(PhoneEventRequest(method: "GET", subpath: "ring", query: [])) != .accepted(body: "OK"))
        if case .malformed = await driver.receive(PhoneEventRequest(method: "GET", subpath: "power", query: [("state", "maybe")])) {
        } else {
            Issue.record("power=maybe accepted")
        }
        #expect(await driver.receive(PhoneEventRequest(method: "GET", subpath: "nope", query: [])) == .unknownRoute)
        #expect(events.all.isEmpty)
    }

    @Test("scheduled inbound calls ring on their own")
    func scheduledCalls() async throws {
        let events = EventCollector()
        let driver = try makeDriver(
            [
                "incoming": .list([.map(["from": .string("+441632960999"), "everySeconds": .number(0.05), "startAfterSeconds": .number(0)])]),
                "autoAnswerSeconds": .number(0.01), "farEndHangupSeconds": .number(0.01),
            ], collector: events)
        let task = Task { try await driver.run() }
        let kinds = try await events.waitFor(count: 6).map(\.kind)
        task.cancel()
        guard case .delivered = kinds[0], case .established = kinds[1], case .connectionCleared(_, .normal) = kinds[2] else {
            Issue.record("unexpected sequence \(kinds)"); return
        }
    }

    @Test("unknown or out-of-range options are refused with the key named")
    func optionValidation() {
        #expect(throws: DriverOptionError.self) {
            try SimulatorOptions(DriverOptions(["ringTimeoutSecs": .number(3)]))
        }
        do {
            _ = try SimulatorOptions(DriverOptions(["incoming": .list([.map(["everySeconds": .number(5)])])]))
            Issue.record("accepted an incoming call without from")
        } catch {
            #expect(error.keyPath == "incoming[0].from")
        }
    }
}
