/// The latest retained message of every state topic, so the whole state can be published again after a reconnect.
///
/// An empty retained payload means "clear this topic": it is kept (as a tombstone) only until it has been
/// sent, because the broker may still hold the old value.
struct RetainedStateCache: Sendable {
    private struct Entry: Sendable {
        var message: MQTTMessage
        var sequence: UInt64
    }

    private var entries: [String: Entry] = [:]
    private var nextSequence: UInt64 = 0

    var count: Int { entries.count }

    /// The cached message for `topic`, if any (a tombstone has an empty payload).
    func message(for topic: String) -> MQTTMessage? {
        entries[topic]?.message
    }

    /// Remembers `message` as the topic's latest state; `sent` says whether it has already gone to the broker.
    mutating func record(_ message: MQTTMessage, sent: Bool) {
        precondition(message.retain, "only retained messages are state")
        if sent && message.payload.isEmpty {
            entries[message.topic] = nil
            return
        }
        entries[message.topic] = Entry(message: message, sequence: nextSequence)
        nextSequence += 1
    }

    /// Puts back a message whose sending failed, unless a newer state for its topic arrived meanwhile.
    mutating func restore(_ message: MQTTMessage) {
        guard entries[message.topic] == nil else { return }
        record(message, sent: false)
    }

    /// Every cached state, oldest update first, for publishing after a connect.
    ///
    /// Tombstones are removed as they are handed out: once sent, the topic is clear at the broker.
    mutating func takeAllForRepublish() -> [MQTTMessage] {
        let ordered = entries.values.sorted { $0.sequence < $1.sequence }.map(\.message)
        entries = entries.filter { !$0.value.message.payload.isEmpty }
        return ordered
    }

    /// The cached states of `topics` (in that order), for the topics updated during a resynchronisation.
    mutating func take(topics: [String]) -> [MQTTMessage] {
        var result: [MQTTMessage] = []
        for topic in topics {
            guard let entry = entries[topic] else { continue }
            result.append(entry.message)
            if entry.message.payload.isEmpty { entries[topic] = nil }
        }
        return result
    }
}
