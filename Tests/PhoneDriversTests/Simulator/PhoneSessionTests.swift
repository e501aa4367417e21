import CallModel
import Foundation
import Logging
import PhoneDrivers
import Synchronization
import Testing

/// A driver that records the order in which commands reach it and takes a while for each, so that
/// overlapping commands would show up as out-of-order completions.
private final class SlowRecordingDriver: PhoneDriver {
    let capabilities: Set<PhoneCapability> = [.dial, .hangup]
    let received = Mutex<[String]>([])
    let inFlight = Mutex<Int>(0)
    let maximumInFlight = Mutex<Int>(0)

    func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        let now = inFlight.withLock { value in value += 1; return value }
        maximumInFlight.withLock { $0 = max($0, now) }
        try? await Task.sleep(for: .milliseconds(2))
        if case .dial(let to) = command { received.withLock { $0.append(to.value) } }
        inFlight.withLock { $0 -= 1 }
        return PhoneCommandOutcome()
    }

    func probe() async -> PhoneHealth { .unreachable(code: "unreachable", message: "test phone is switched off") }
}

@Suite("Phone session")
struct PhoneSessionTests {
    @Test("commands to one phone run one at a time in arrival order")
    func serialises() async throws {
        let driver = SlowRecordingDriver()
        let session = PhoneSession(id: "p", driverName: "test", driver: driver, logger: Logger(label: "t"), onStatusChange: { _ in })
        // Enqueue in a known order: each perform is entered on the actor before the next task starts.
        var tasks: [Task<Void, any Error>] = []
        for number in 1...20 {
            let dial = try DialString(validating: "\(1000 + number)")
            tasks.append(Task { _ = try await session.perform(.dial(dial)) })
            await Task.yield()
            try await Task.sleep(for: .milliseconds(1))
        }
        for task in tasks { try await task.value }
        #expect(driver.received.withLock { $0 } == (1...20).map { "\(1000 + $0)" })
        #expect(driver.maximumInFlight.withLock { $0 } == 1)
    }

    @Test("a command the driver cannot do is refused as notSupported without reaching the phone")
    func notSupported() async {
        let driver = SlowRecordingDriver()
        let session = PhoneSession(id: "p", driverName: "test", driver: driver, logger: Logger(label: "t"), onStatusChange: { _ in })
        await #expect(throws: PhoneCommandError.notSupported("the test driver cannot hold on this phone")) {
            try await session.perform(.hold(call: nil))
        }
        #expect(driver.maximumInFlight.withLock { $0 } == 0)
    }

    @Test("a failed probe reports the phone offline with an error code")
    func probeFailureReported() async {
        let reported = Mutex<[PhoneStatus]>([])
        let session = PhoneSession(
            id: "p", driverName: "test", driver: SlowRecordingDriver(), logger: Logger(label: "t"),
            onStatusChange: { status in reported.withLock { $0.append(status) } })
        await session.probeNow()
        await session.probeNow()
        let statuses = reported.withLock { $0 }
        #expect(statuses.count == 1, "an unchanged status is not reported again")
        #expect(statuses.first?.online == false)
        #expect(statuses.first?.error?.code == "unreachable")
    }

    @Test("probe back-off grows with failures, is capped and jittered")
    func backoff() {
        let policy = HealthProbePolicy(interval: .seconds(60), retryInitial: .seconds(5), retryMaximum: .seconds(300), jitter: 0.2)
        #expect(policy.delay(afterFailures: 0, random: 0) == .seconds(60))
        #expect(policy.delay(afterFailures: 1, random: 0) == .seconds(5))
        #expect(policy.delay(afterFailures: 3, random: 0) == .seconds(20))
        #expect(policy.delay(afterFailures: 30, random: 0) == .seconds(300))
        #expect(policy.delay(afterFailures: 1, random: 1) == .seconds(6))
        #expect(policy.delay(afterFailures: 1, random: -1) == .seconds(4))
    }
}

/// A phone whose credentials are wrong: every request is refused.
private final class RefusingDriver: PhoneDriver {
    let capabilities: Set<PhoneCapability> = [.dial]
    let requests = Mutex<Int>(0)

    func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        requests.withLock { $0 += 1 }
        throw .rejected("401: check the phone's web user and password")
    }

    func probe() async -> PhoneHealth { .rejected(code: "rejected", message: "401") }
}

@Suite("Phone session lock-out protection")
struct PhoneSessionLockoutTests {
    @Test("after three refused requests commands pause instead of reaching the phone")
    func pausesAfterRepeatedRejections() async throws {
        let driver = RefusingDriver()
        let session = PhoneSession(id: "p", driverName: "test", driver: driver, logger: Logger(label: "t"), onStatusChange: { _ in })
        let dial = PhoneCommand.dial(try DialString(validating: "201"))
        for _ in 0..<5 {
            await #expect(throws: PhoneCommandError.self) { try await session.perform(dial) }
        }
        #expect(driver.requests.withLock { $0 } == PhoneSession.rejectionsBeforePause)
        do {
            _ = try await session.perform(dial)
        } catch {
            #expect(error.code == "phoneRejected")
            #expect(error.message.contains("paused"))
        }
    }
}
