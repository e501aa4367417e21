import CallModel
import Foundation
import PhoneDrivers
import TestSupport
import Testing

@Suite("baresip: real calls between two baresip processes", .enabled(if: BaresipProcess.isAvailable, "baresip is not installed"),
       .timeLimit(.minutes(2)))
struct BaresipRealCallTests {
    @Test("A dials B, B rings, the bridge answers B, both connect, A hangs up, both clear normally")
    func callLifecycle() async throws {
        let a = try await BaresipPhone.start("alice")
        let b = try await BaresipPhone.start("bob")
        do {
            let outcome = try await a.driver.perform(.dial(DialString(validating: b.process.sipURI)))
            let id = try #require(outcome.callID)

            let delivered = try await b.waitFor("delivered") {
                if case .delivered(let call, _, _) = $0 { return call == id } else { return false }
            }
            #expect(delivered == .delivered(call: id, remote: CallParty(address: a.process.sipURI), dialled: nil))
            try await a.waitFor("remote alerting") { $0 == .remoteAlerting(call: id) }
            #expect(a.events.kinds.first == .serviceInitiated(call: id, remote: CallParty(address: b.process.sipURI)))

            #expect(try await b.driver.listCalls() == [
                PhoneCallSnapshot(call: id, state: .alerting, direction: .inbound, remote: CallParty(address: a.process.sipURI))
            ])

            let answered = try await b.driver.perform(.answer(call: id))
            #expect(answered.callID == id)
            try await b.waitFor("established") { if case .established(id, _) = $0 { true } else { false } }
            try await a.waitFor("established") { if case .established(id, _) = $0 { true } else { false } }

            #expect(try await a.driver.listCalls()?.map(\.state) == [.connected])
            #expect(try await a.driver.listCalls()?.map(\.call) == [id])
            #expect(try await b.driver.listCalls()?.map(\.state) == [.connected])

            _ = try await a.driver.perform(.hangup(call: id))
            try await a.waitFor("cleared") { $0 == .connectionCleared(call: id, cause: .normal) }
            try await b.waitFor("cleared") { $0 == .connectionCleared(call: id, cause: .normal) }
            #expect(try await a.driver.listCalls() == [])
            #expect(try await b.driver.listCalls() == [])
            #expect(a.driver.eventLinkStatus.droppedFrames == 0)
        } catch {
            Issue.record("alice log:\n\(a.process.log)\nbob log:\n\(b.process.log)")
            await a.stop(); await b.stop()
            throw error
        }
        await a.stop()
        await b.stop()
    }

    @Test("hold and resume on a connected call, then commands for calls that do not exist")
    func holdResume() async throws {
        let a = try await BaresipPhone.start("carol")
        let b = try await BaresipPhone.start("dave")
        do {
            let id = try #require(try await a.driver.perform(.dial(DialString(validating: b.process.sipURI))).callID)
            try await b.waitFor("delivered") { if case .delivered(id, _, _) = $0 { true } else { false } }
            // Hold is refused while the call still rings.
            await #expect(throws: PhoneCommandError.self) { try await a.driver.perform(.hold(call: id)) }
            _ = try await b.driver.perform(.answer(call: nil))
            try await a.waitFor("established") { if case .established(id, _) = $0 { true } else { false } }

            _ = try await a.driver.perform(.hold(call: id))
            try await a.waitFor("held") { $0 == .held(call: id) }
            #expect(try await a.driver.listCalls()?.map(\.state) == [.held])
            _ = try await a.driver.perform(.resume(call: nil))
            try await a.waitFor("retrieved") { $0 == .retrieved(call: id) }
            #expect(try await a.driver.listCalls()?.map(\.state) == [.connected])

            await #expect(throws: PhoneCommandError.noCall("baresip phone carol has no call nonexistent")) {
                try await a.driver.perform(.hangup(call: PhoneCallID("nonexistent")))
            }
            _ = try await b.driver.perform(.hangup(call: nil))
            try await a.waitFor("cleared") { $0 == .connectionCleared(call: id, cause: .normal) }
            await #expect(throws: PhoneCommandError.noCall("baresip phone carol has no call to answer")) {
                try await a.driver.perform(.answer(call: nil))
            }
        } catch {
            Issue.record("carol log:\n\(a.process.log)\ndave log:\n\(b.process.log)")
            await a.stop(); await b.stop()
            throw error
        }
        await a.stop()
        await b.stop()
    }

    @Test("the callee declines: caller cleared rejected, callee rejected; the caller cancels: callee missed")
    func declineAndCancel() async throws {
        let a = try await BaresipPhone.start("erin")
        let b = try await BaresipPhone.start("frank")
        do {
            let first = try #require(try await a.driver.perform(.dial(DialString(validating: b.process.sipURI))).callID)
            try await b.waitFor("delivered") { if case .delivered(first, _, _) = $0 { true } else { false } }
            _ = try await b.driver.perform(.hangup(call: first))
            try await a.waitFor("caller cleared") { $0 == .connectionCleared(call: first, cause: .rejected) }
            try await b.waitFor("callee cleared") { $0 == .connectionCleared(call: first, cause: .rejected) }

            let second = try #require(try await a.driver.perform(.dial(DialString(validating: b.process.sipURI))).callID)
            try await b.waitFor("delivered") { if case .delivered(second, _, _) = $0 { true } else { false } }
            _ = try await a.driver.perform(.hangup(call: nil))
            try await a.waitFor("caller cleared") { $0 == .connectionCleared(call: second, cause: .normal) }
            try await b.waitFor("callee missed") { $0 == .connectionCleared(call: second, cause: .missed) }
        } catch {
            Issue.record("erin log:\n\(a.process.log)\nfrank log:\n\(b.process.log)")
            await a.stop(); await b.stop()
            throw error
        }
        await a.stop()
        await b.stop()
    }

    @Test("a feature code reaches baresip as exactly that URI user part, in one dial")
    func featureCodeDial() async throws {
        let b = try await BaresipProcess.start(user: "grace")
        let a = try await BaresipPhone.start("heidi", options: ["dialDomain": .string("127.0.0.1:\(b.sipPort)")])
        do {
            _ = try await a.driver.perform(.dial(DialString(validating: "*72#")))
            // bob's baresip has no user "*72#" and answers 404: the call fails, showing the exact URI it got.
            let started = try await a.waitFor("started") { if case .serviceInitiated = $0 { true } else { false } }
            guard case .serviceInitiated(let id, let remote) = started else { return }
            #expect(remote.address == "sip:*72#@127.0.0.1:\(b.sipPort)")
            try await a.waitFor("failed") { $0 == .connectionCleared(call: id, cause: .failed) }
            #expect(a.events.kinds.filter { if case .serviceInitiated = $0 { true } else { false } }.count == 1)
        } catch {
            Issue.record("heidi log:\n\(a.process.log)")
            await a.stop(); await b.stop()
            throw error
        }
        await a.stop()
        await b.stop()
    }

    @Test("probe: reachable, unreachable while baresip is down, reachable again; events resume after restart")
    func probeAndReconnect() async throws {
        let a = try await BaresipPhone.start("ivan")
        let b = try await BaresipProcess.start(user: "judy")
        do {
            #expect(await a.driver.probe() == .reachable)
            await a.process.kill()
            guard case .unreachable = await a.driver.probe() else {
                Issue.record("probe of a killed baresip was not unreachable")
                throw CancellationError()
            }
            await #expect(throws: PhoneCommandError.self) {
                try await a.driver.perform(.dial(DialString(validating: b.sipURI)))
            }
            try await eventually("link down") { !a.driver.eventLinkStatus.connected }

            try await a.process.restart()
            #expect(await a.driver.probe() == .reachable)
            try await eventually(timeout: .seconds(10), "link back") { a.driver.eventLinkStatus.connected }
            #expect(a.driver.eventLinkStatus.connections >= 2)
            let id = try #require(try await a.driver.perform(.dial(DialString(validating: b.sipURI))).callID)
            try await a.waitFor("remote alerting after restart") { $0 == .remoteAlerting(call: id) }
            _ = try await a.driver.perform(.hangup(call: id))
        } catch {
            Issue.record("ivan log:\n\(a.process.log)")
            await a.stop(); await b.stop()
            throw error
        }
        await a.stop()
        await b.stop()
    }

    @Test("B blind-transfers A's call to C: B sees transferred, A's new call to C rings at C")
    func blindTransfer() async throws {
        let a = try await BaresipPhone.start("kate")
        let b = try await BaresipPhone.start("liam")
        let c = try await BaresipPhone.start("mona")
        do {
            let id = try #require(try await a.driver.perform(.dial(DialString(validating: b.process.sipURI))).callID)
            try await b.waitFor("delivered") { if case .delivered(id, _, _) = $0 { true } else { false } }
            _ = try await b.driver.perform(.answer(call: id))
            try await a.waitFor("established") { if case .established(id, _) = $0 { true } else { false } }

            _ = try await b.driver.perform(.transfer(to: DialString(validating: c.process.sipURI), call: id))
            try await c.waitFor("delivered at C") {
                if case .delivered(_, let remote, _) = $0 { remote.address == a.process.sipURI } else { false }
            }
            try await a.waitFor("new call to C") {
                if case .serviceInitiated(let call, let remote) = $0 { call != id && remote.address == c.process.sipURI } else { false }
            }
            _ = try await c.driver.perform(.answer(call: nil))
            try await b.waitFor("transferred") { $0 == .transferred(call: id, target: c.process.sipURI) }
            try await a.waitFor("old call cleared") { $0 == .connectionCleared(call: id, cause: .normal) }
            #expect(try await a.driver.listCalls()?.map(\.state) == [.connected])
        } catch {
            Issue.record("kate log:\n\(a.process.log)\nliam log:\n\(b.process.log)")
            await a.stop(); await b.stop(); await c.stop()
            throw error
        }
        await a.stop()
        await b.stop()
        await c.stop()
    }
}
