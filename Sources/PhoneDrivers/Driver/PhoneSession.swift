import CallModel
import Foundation
import Logging

/// One phone as the bridge drives it: the driver plus the rules every phone shares.
///
/// It refuses commands the driver cannot do (so nothing is sent that does nothing), runs commands one at a
/// time in arrival order (phones mis-handle parallel requests and key sequences are order-sensitive), keeps the
/// phone's reachability from command results, callbacks and health probes, and reports status changes.
public actor PhoneSession {
    /// The phone's configured id.
    public nonisolated let id: String
    /// The driver name, for metrics and the phone object.
    public nonisolated let driverName: String
    /// What the phone can do.
    public nonisolated let capabilities: Set<PhoneCapability>

    private let driver: any PhoneDriver
    private let policy: HealthProbePolicy
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let onStatusChange: @Sendable (PhoneStatus) -> Void

    private var status: PhoneStatus
    private var lastReported: PhoneStatus
    private var commandTail: Task<Void, Never>?
    private var consecutiveProbeFailures = 0
    private var consecutiveRejections = 0
    private var pausedUntil: Date?

    /// After this many refused requests in a row, commands pause: phones lock accounts out after a few bad logins.
    public static let rejectionsBeforePause = 3

    /// Wraps a driver. `onStatusChange` is called when the phone goes online/offline or its error changes.
    public init(
        id: String, driverName: String, driver: any PhoneDriver, policy: HealthProbePolicy = HealthProbePolicy(),
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger, onStatusChange: @escaping @Sendable (PhoneStatus) -> Void
    ) {
        self.id = id
        self.driverName = driverName
        self.capabilities = driver.capabilities
        self.driver = driver
        self.policy = policy
        self.clock = clock
        self.now = now
        self.logger = logger
        self.onStatusChange = onStatusChange
        // Unknown until the first probe or contact; published as offline without an error.
        self.status = PhoneStatus(online: false, lastSeen: nil, error: nil)
        self.lastReported = status
    }

    /// The phone's current status.
    public var currentStatus: PhoneStatus { status }

    /// Runs a command after every command that arrived before it. Never retries.
    public func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        guard capabilities.contains(command.capability) else {
            throw .notSupported("the \(driverName) driver cannot \(command.capability.rawValue) on this phone")
        }
        if let pausedUntil, pausedUntil > now() {
            let seconds = Int(pausedUntil.timeIntervalSince(now()).rounded(.up))
            throw .rejected(
                "phone \(id) refused the bridge \(consecutiveRejections) times in a row; commands are paused for "
                    + "\(seconds) s so the phone does not lock the account out. "
                    + (status.error?.message ?? ""))
        }
        let previous = commandTail
        let driver = self.driver
        let task = Task<Result<PhoneCommandOutcome, PhoneCommandError>, Never> {
            await previous?.value
            do throws(PhoneCommandError) {
                return .success(try await driver.perform(command))
            } catch {
                return .failure(error)
            }
        }
        commandTail = Task { _ = await task.value }
        let result = await task.value
        switch result {
        case .success:
            markReachable()
        case .failure(.unreachable(let message)):
            markUnreachable(code: "unreachable", message: message)
        case .failure(.rejected(let message)):
            markRejected(code: "rejected", message: message)
        case .failure:
            markReachable()
        }
        return try result.get()
    }

    /// Hands an event callback to the driver; an accepted callback proves the phone is alive.
    public func receive(_ request: PhoneEventRequest) async -> PhoneEventIngressResult {
        let result = await driver.receive(request)
        if case .accepted = result { markReachable() }
        return result
    }

    /// Probes the phone now and records the answer.
    @discardableResult
    public func probeNow() async -> PhoneHealth {
        let health = await driver.probe()
        switch health {
        case .reachable:
            consecutiveProbeFailures = 0
            markReachable()
        case .unreachable(let code, let message):
            consecutiveProbeFailures += 1
            markUnreachable(code: code, message: message)
        case .rejected(let code, let message):
            consecutiveProbeFailures += 1
            markRejected(code: code, message: message)
        }
        return health
    }

    /// Probes the phone forever on the policy's schedule, until the task is cancelled.
    public func runHealthChecks() async {
        var delay = policy.initialSpread * Double.random(in: 0...1)
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: delay)
            } catch {
                return
            }
            await probeNow()
            delay = policy.delay(afterFailures: consecutiveProbeFailures)
        }
    }

    /// Asks the phone for its calls (`nil` when the driver cannot), after the commands queued before.
    public func listCalls() async throws(PhoneCommandError) -> [PhoneCallSnapshot]? {
        let previous = commandTail
        let driver = self.driver
        let task = Task<Result<[PhoneCallSnapshot]?, PhoneCommandError>, Never> {
            await previous?.value
            do throws(PhoneCommandError) {
                return .success(try await driver.listCalls())
            } catch {
                return .failure(error)
            }
        }
        commandTail = Task { _ = await task.value }
        return try await task.value.get()
    }

    /// Runs the driver's own work (polling, streams, simulation) until cancelled.
    public nonisolated func runDriver() async throws {
        try await driver.run()
    }

    private func markReachable() {
        consecutiveRejections = 0
        pausedUntil = nil
        status.online = true
        status.error = nil
        status.lastSeen = now()
        reportIfChanged()
    }

    private func markUnreachable(code: String, message: String) {
        status.online = false
        status.error = PhoneStatusError(code: code, message: message)
        reportIfChanged()
    }

    private func markRejected(code: String, message: String) {
        consecutiveRejections += 1
        if consecutiveRejections >= Self.rejectionsBeforePause {
            let doublings = min(consecutiveRejections - Self.rejectionsBeforePause, 4)
            pausedUntil = now().addingTimeInterval(Double(30 << doublings))
        }
        // The phone answered, so it is there; it is still unusable until the installer fixes the cause.
        status.online = true
        status.lastSeen = now()
        status.error = PhoneStatusError(code: code, message: message)
        reportIfChanged()
    }

    /// Reports changes of reachability or error at once, and `lastSeen` at most once a minute.
    private func reportIfChanged() {
        let staleLastSeen: Bool
        if let seen = status.lastSeen, let reported = lastReported.lastSeen {
            staleLastSeen = seen.timeIntervalSince(reported) >= 60
        } else {
            staleLastSeen = status.lastSeen != lastReported.lastSeen
        }
        guard status.online != lastReported.online || status.error != lastReported.error || staleLastSeen else {
            return
        }
        if status.online != lastReported.online {
            if status.online {
                logger.info("phone online", metadata: ["phone.id": "\(id)"])
            } else {
                logger.warning(
                    "phone unreachable", metadata: ["phone.id": "\(id)", "error": "\(status.error?.message ?? "")"])
            }
        }
        lastReported = status
        onStatusChange(status)
    }
}
