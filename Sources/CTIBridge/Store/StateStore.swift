import Foundation
import GRDB
import Presence

/// The bridge's durable state in SQLite: agent state, live calls and call history.
///
/// The only place that touches SQLite. Every change the desk makes is written in one transaction before it is
/// published, so a restart (SIGKILL included) finds exactly what consumers last saw. Agent rows are small (their
/// history lives in its own table), so writing one per change stays cheap.
final class StateStore: Sendable {
    private let database: DatabaseQueue
    private let checkpointer: WALCheckpointer
    /// The page size of a new database.
    static let pageSize = 1024

    /// Opens (and creates or migrates) the database at `path`.
    init(path: String) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.label = "ctibridge.state"
        configuration.busyMode = .timeout(5)
        // WAL with synchronous=NORMAL: a commit is one append to the log instead of several fsyncs. A killed
        // process (SIGKILL included) loses nothing it committed; only a power loss can lose the last moments.
        configuration.prepareDatabase { db in
            // Every commit appends each page it touched to the log, and a phone event touches three or four rows
            // of a few hundred bytes: with 1 KiB pages the bridge wrote half the bytes of SQLite's default 4 KiB
            // pages (about 10 KB of log per event). Only a new database takes it; an existing one keeps its size.
            try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Checkpoints are the checkpointer's, off the commit path (see WALCheckpointer).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.writerThreshold)")
        }
        database = try DatabaseQueue(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
        checkpointer = try WALCheckpointer(path: path)
    }

    /// Schema versions, from the first on: a new version is a new migration, never an edit of an old one.
    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "agent") { table in
                table.primaryKey("id", .text)
                table.column("state", .text).notNull()
            }
            try db.create(table: "liveCall") { table in
                table.primaryKey("id", .text)
                table.column("body", .text).notNull()
            }
            try db.create(table: "history") { table in
                table.autoIncrementedPrimaryKey("seq")
                table.column("agent", .text).notNull()
                table.column("callId", .text).notNull()
                table.column("missed", .boolean).notNull()
                table.column("endedAt", .double).notNull()
                table.column("body", .text).notNull()
            }
            try db.create(index: "history_by_agent", on: "history", columns: ["agent", "seq"])
        }
        return migrator
    }

    /// The state saved last, or `nil` for a new bridge. History is loaded back into each agent (newest last).
    func loadSnapshot(historyLimit: Int) throws -> DeskSnapshot? {
        try database.read { db in
            let decoder = JSONCoding.decoder()
            var agents: [String: AgentState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, state FROM agent") {
                let id: String = row["id"]
                let text: String = row["state"]
                var state = try decoder.decode(AgentState.self, from: Data(text.utf8))
                let history = try String.fetchAll(
                    db, sql: "SELECT body FROM history WHERE agent = ? ORDER BY seq DESC LIMIT ?",
                    arguments: [id, historyLimit])
                state.history = try history.reversed().map { try decoder.decode(HistoryEntry.self, from: Data($0.utf8)) }
                agents[id] = state
            }
            guard !agents.isEmpty else { return nil }
            let calls = try String.fetchAll(db, sql: "SELECT body FROM liveCall").map {
                try decoder.decode(LiveCall.self, from: Data($0.utf8))
            }
            return DeskSnapshot(agents: agents, calls: calls)
        }
    }

    /// What one or more inputs changed, written atomically. Merging keeps only each row's last state, so a batch
    /// of inputs costs one transaction and one write per row it touched.
    struct Changes {
        var agents: [String: AgentState] = [:]
        /// Live calls to write, by id.
        private(set) var callsUpserted: [String: LiveCall] = [:]
        /// Calls to delete; never also in `callsUpserted`.
        private(set) var callsEnded: Set<String> = []
        /// New history entries, oldest first.
        var history: [HistoryEntry] = []

        var isEmpty: Bool { agents.isEmpty && callsUpserted.isEmpty && callsEnded.isEmpty && history.isEmpty }

        mutating func upsert(_ call: LiveCall) {
            callsUpserted[call.call.id] = call
            callsEnded.remove(call.call.id)
        }

        mutating func end(_ callID: String) {
            callsUpserted[callID] = nil
            callsEnded.insert(callID)
        }
    }

    func write(_ changes: Changes) throws {
        guard !changes.isEmpty else { return }
        try database.write { db in
            // Cached statements: compiled once, not once per row.
            let upsertAgent = try db.cachedStatement(
                sql: "INSERT INTO agent (id, state) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state")
            for (id, state) in changes.agents {
                var stored = state
                stored.history = []
                let text = String(decoding: JSONCoding.encode(stored), as: UTF8.self)
                try upsertAgent.execute(arguments: [id, text])
            }
            let upsertCall = try db.cachedStatement(
                sql: "INSERT INTO liveCall (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body")
            for (id, call) in changes.callsUpserted {
                let text = String(decoding: JSONCoding.encode(call), as: UTF8.self)
                try upsertCall.execute(arguments: [id, text])
            }
            let deleteCall = try db.cachedStatement(sql: "DELETE FROM liveCall WHERE id = ?")
            for id in changes.callsEnded {
                try deleteCall.execute(arguments: [id])
            }
            let insertHistory = try db.cachedStatement(
                sql: "INSERT INTO history (agent, callId, missed, endedAt, body) VALUES (?, ?, ?, ?, ?)")
            for entry in changes.history {
                let text = String(decoding: JSONCoding.encode(entry), as: UTF8.self)
                try insertHistory.execute(
                    arguments: [entry.agent, entry.callId, entry.missed, entry.endedAt.timeIntervalSince1970, text])
            }
        }
    }

    /// An agent's call history, newest first.
    func history(agent: String, missedOnly: Bool, limit: Int) throws -> [HistoryEntry] {
        try database.read { db in
            let decoder = JSONCoding.decoder()
            let sql =
                missedOnly
                ? "SELECT body FROM history WHERE agent = ? AND missed = 1 ORDER BY seq DESC LIMIT ?"
                : "SELECT body FROM history WHERE agent = ? ORDER BY seq DESC LIMIT ?"
            return try String.fetchAll(db, sql: sql, arguments: [agent, limit]).map {
                try decoder.decode(HistoryEntry.self, from: Data($0.utf8))
            }
        }
    }

    /// The ids of live calls the store holds (for clearing retained topics of calls that are gone).
    func liveCallIDs() throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "SELECT id FROM liveCall") }
    }
}
