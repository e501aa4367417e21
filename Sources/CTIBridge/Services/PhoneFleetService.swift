import PhoneDrivers
import ServiceLifecycle

/// Runs every phone's driver work and health probes until graceful shutdown.
struct PhoneFleetService: Service {
    let fleet: PhoneFleet

    func run() async throws {
        let sessions = Array(fleet.sessions.values)
        do {
            try await runUntilGracefulShutdown(sessions)
        } catch is CancellationError {
            // Graceful shutdown cancels the phones' work; that is the normal way out.
        }
    }

    private func runUntilGracefulShutdown(_ sessions: [PhoneSession]) async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for session in sessions {
                    group.addTask { await session.runHealthChecks() }
                    group.addTask {
                        do {
                            try await session.runDriver()
                        } catch is CancellationError {
                        }
                    }
                }
                // Keeps the service alive with no phones configured: returning would end the whole group.
                group.addTask {
                    while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
                }
                try await group.next()
            }
        }
    }
}
