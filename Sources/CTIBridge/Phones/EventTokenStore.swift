import Foundation

/// Event tokens the bridge generated for phones whose configuration names none, kept next to the state file.
///
/// A token is written into the phone's action URLs by an installer, so it must stay the same across restarts;
/// it is a secret, so the file is readable by its owner only.
struct EventTokenStore {
    let path: String

    init(statePath: String) {
        path = URL(fileURLWithPath: statePath).deletingLastPathComponent().appendingPathComponent("event-tokens.json").path
    }

    /// Returns every phone's token: configured ones as they are, missing ones from the file or newly generated.
    func resolve(phones: [PhoneEntry]) throws -> [String: String] {
        var stored = try read()
        var changed = false
        var tokens: [String: String] = [:]
        for phone in phones {
            if let configured = phone.eventToken {
                tokens[phone.id] = configured
            } else if let existing = stored[phone.id] {
                tokens[phone.id] = existing
            } else {
                let token = Self.generate()
                stored[phone.id] = token
                tokens[phone.id] = token
                changed = true
            }
        }
        if changed { try write(stored) }
        return tokens
    }

    /// Reads the stored tokens without generating any (for `phone-config` on a bridge that never ran).
    func read() throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    private func write(_ tokens: [String: String]) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let temporary = path + ".tmp"
        FileManager.default.createFile(
            atPath: temporary, contents: try encoder.encode(tokens), attributes: [.posixPermissions: 0o600])
        // rename(2) replaces the old file atomically: a crash never leaves a half-written token file.
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// 128 random bits as 32 hex digits: safe in URLs and in every vendor's provisioning syntax.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value = generator.next() as UInt32
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }
}
