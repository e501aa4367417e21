/// Decides, for every outgoing message, whether it goes to the broker now or waits, and what is sent after a connect.
///
/// Pure state: the client holds it under a lock and performs the sends it asks for.
struct OutboundQueue: Sendable {
    /// Where the connection stands, from the point of view of outgoing messages.
    enum Phase: Sendable, Equatable {
        /// No connection: retained states update the cache, other messages wait in the buffer.
        case offline
        /// Connected, and the cached states and buffered messages are being sent; new messages still queue
        /// so they cannot overtake older ones.
        case resynchronising
        /// Connected and caught up: messages go straight to the broker.
        case online
    }

    /// What to do with a submitted message.
    enum Decision: Sendable, Equatable {
        /// Hand it to the broker now.
        case send
        /// It waits; `dropped` older messages were discarded to make room.
        case queued(dropped: Int)
    }

    private(set) var phase: Phase = .offline
    private(set) var retained = RetainedStateCache()
    private var buffer: OfflineBuffer
    private var topicsUpdatedWhileResynchronising: [String] = []

    init(offlineCapacity: Int) {
        buffer = OfflineBuffer(capacity: offlineCapacity)
    }

    /// Number of non-retained messages waiting.
    var bufferedCount: Int { buffer.count }

    /// Accepts an outgoing message.
    mutating func submit(_ message: MQTTMessage) -> Decision {
        switch phase {
        case .online:
            if message.retain { retained.record(message, sent: true) }
            return .send
        case .offline, .resynchronising:
            if message.retain {
                retained.record(message, sent: false)
                if phase == .resynchronising && !topicsUpdatedWhileResynchronising.contains(message.topic) {
                    topicsUpdatedWhileResynchronising.append(message.topic)
                }
                return .queued(dropped: 0)
            }
            return .queued(dropped: buffer.append(message) == nil ? 0 : 1)
        }
    }

    /// A connection is up: returns every cached state to publish again, and starts the resynchronisation.
    mutating func connectionEstablished() -> [MQTTMessage] {
        phase = .resynchronising
        topicsUpdatedWhileResynchronising = []
        return retained.takeAllForRepublish()
    }

    /// The next messages to send while resynchronising: states updated meanwhile, then the buffered messages.
    ///
    /// An empty result means the queue has caught up; the phase is then `online`.
    mutating func nextResynchronisationBatch() -> [MQTTMessage] {
        guard phase == .resynchronising else { return [] }
        let states = retained.take(topics: topicsUpdatedWhileResynchronising)
        topicsUpdatedWhileResynchronising = []
        let batch = states + buffer.removeAll()
        if batch.isEmpty { phase = .online }
        return batch
    }

    /// The connection is gone: hold messages from now on.
    mutating func connectionLost() {
        phase = .offline
        topicsUpdatedWhileResynchronising = []
    }

    /// Takes back messages that could not be handed to the broker, oldest first; returns how many were dropped.
    mutating func requeue(_ messages: [MQTTMessage]) -> Int {
        var events: [MQTTMessage] = []
        for message in messages {
            if message.retain {
                retained.restore(message)
            } else {
                events.append(message)
            }
        }
        return events.isEmpty ? 0 : buffer.prepend(contentsOf: events)
    }
}
