/// A bounded first-in-first-out queue of the non-retained messages published while disconnected.
///
/// When full, appending drops the oldest message: for events, the newest are the ones worth keeping.
struct OfflineBuffer: Sendable {
    /// The most messages the buffer holds.
    let capacity: Int
    private var storage: [MQTTMessage?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.capacity = capacity
        self.storage = Array(repeating: nil, count: capacity)
    }

    var isEmpty: Bool { count == 0 }

    /// Appends `message` at the back; returns the message dropped to make room, if any.
    mutating func append(_ message: MQTTMessage) -> MQTTMessage? {
        guard capacity > 0 else { return message }
        if count == capacity {
            let dropped = storage[head]
            storage[head] = message
            head = (head + 1) % capacity
            return dropped
        }
        storage[(head + count) % capacity] = message
        count += 1
        return nil
    }

    /// Puts `messages` back at the front, in order, ahead of everything already waiting.
    ///
    /// These are older than what is queued, so when the buffer overflows they are the ones dropped.
    /// Returns how many messages were dropped.
    mutating func prepend(contentsOf messages: [MQTTMessage]) -> Int {
        let waiting = removeAll()
        let combined = messages + waiting
        let overflow = max(0, combined.count - capacity)
        for message in combined.dropFirst(overflow) {
            _ = append(message)
        }
        return overflow
    }

    /// Removes and returns every waiting message, oldest first.
    mutating func removeAll() -> [MQTTMessage] {
        var result: [MQTTMessage] = []
        result.reserveCapacity(count)
        for offset in 0..<count {
            let index = (head + offset) % capacity
            if let message = storage[index] { result.append(message) }
            storage[index] = nil
        }
        head = 0
        count = 0
        return result
    }
}
