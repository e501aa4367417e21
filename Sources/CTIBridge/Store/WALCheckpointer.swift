import Foundation
import GRDB

/// Checkpoints the state store's write-ahead log from its own connection and thread.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, and a checkpoint syncs the
/// log and the database file: on a busy disk that held the desk (and so every event) for 50–500 ms every
/// second or two. A passive checkpoint on another connection runs beside the writer instead of inside it, so
/// commits stay appends to the log. The writer keeps a far higher automatic threshold as a safety net.
final class WALCheckpointer: Sendable {
    /// How often the log is checkpointed. Often, so each round has little to sync: the disk's writeback of a
    /// round holds back the writer's next appends for about as long as it takes (one round a second at a few
    /// thousand events a second was a 20 ms stall every second, 0.2 s rounds bring it to a few milliseconds).
    static let interval: TimeInterval = 0.2
    /// Pages the log may hold before the writer checkpoints by itself, should this thread fall behind.
    static let writerThreshold = 20_000

    private let connection: DatabaseQueue

    /// Opens a second connection to the database at `path` and starts checkpointing every `interval`, until the
    /// checkpointer is released.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "ctibridge.state.checkpoint"
        configuration.busyMode = .timeout(5)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        let thread = Thread { [weak self] in
            while true {
                Thread.sleep(forTimeInterval: Self.interval)
                guard let self else { return }
                self.checkpoint()
            }
        }
        thread.name = "ctibridge.checkpoint"
        thread.start()
    }

    /// Copies what the log holds into the database without waiting for anyone; a later round takes the rest.
    func checkpoint() {
        _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
    }
}
