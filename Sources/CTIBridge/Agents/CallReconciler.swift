import CallModel
import Foundation
import Logging
import PhoneDrivers

/// Asks the phones that can list their calls what they have and corrects the desk with the answer.
///
/// Callbacks get lost (a phone's HTTP request times out, the bridge restarts mid-call), so the bridge does not
/// trust its own picture for long: it asks every few seconds while a phone has a live call, right after a
/// command to the phone failed, at start and after every broker reconnect.
actor CallReconciler {
    private let coordinator: AgentCoordinator
    private let phones: [String: PhoneSession]
    private let interval: Duration
    private let logger: Logger

    init(coordinator: AgentCoordinator, phones: [String: PhoneSession], interval: Duration, logger: Logger) {
        self.coordinator = coordinator
        self.phones = phones
        self.interval = interval
        self.logger = logger
    }

    /// Reconciles one phone; `nil` when its driver cannot list calls.
    func reconcile(phone: String) async throws(PhoneCommandError) -> ReconcileOutcome? {
        guard let session = phones[phone] else { return nil }
        // Taken before asking: a call that starts while the phone answers is not in its list yet.
        let listedAt = Date()
        guard let calls = try await session.listCalls() else { return nil }
        return await coordinator.reconcile(phone: phone, calls: calls, listedAt: listedAt)
    }

    /// Reconciles each phone that can list calls; a phone that does not answer is left to its health probes.
    @discardableResult
    func reconcileQuietly(_ phoneIDs: some Sequence<String>) async -> ReconcileOutcome {
        var total = ReconcileOutcome()
        for id in phoneIDs {
            do {
                if let outcome = try await reconcile(phone: id) { total = total + outcome }
            } catch {
                logger.debug("cannot list the phone's calls", metadata: ["phone.id": "\(id)", "error": "\(error)"])
            }
        }
        return total
    }

    /// Reconciles every phone, as at start and after a broker reconnect.
    func reconcileAll() async {
        let outcome = await reconcileQuietly(phones.keys.sorted())
        logger.info(
            "asked the phones for their calls",
            metadata: ["ended": "\(outcome.ended.count)", "created": "\(outcome.created.count)"])
    }

    /// A command to `phone` failed, or the phone came back: what the bridge believes about its calls may be wrong.
    nonisolated func askSoon(_ phone: String) {
        Task { await self.reconcileQuietly([phone]) }
    }

    /// Every `interval`, reconciles the phones on which the desk believes a call is live, until cancelled.
    func runSchedule() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            await reconcileQuietly(await coordinator.phonesWithLiveCalls.sorted())
        }
    }
}
