import Logging
import Metrics
import Synchronization

/// The client's Swift state and its reactions to network events; shared by the public API and the network thread.
///
/// It does not own the libmosquitto handle (the handle's event sink owns this), so there is no reference cycle.
final class MQTTClientCore: Sendable {
    enum Lifecycle: Sendable, Equatable {
        case idle, running, stopping, stopped
    }

    struct Subscription: Sendable, Equatable {
        var filter: String
        var qos: MQTTQoS
    }

    struct State {
        var lifecycle = Lifecycle.idle
        var outbound: OutboundQueue
        var subscriptions: [Subscription] = []
        /// Filters given up while offline: the broker's persistent session still holds them until told.
        var pendingUnsubscriptions: [String] = []
        /// QoS of every publication handed to libmosquitto and not yet acknowledged.
        var publishAcks = AckTracker<MQTTQoS>()
        /// SUBACK and UNSUBACK waiters; `nil` for the ones sent after a reconnect.
        var subscribeAcks = AckTracker<CheckedContinuation<Void, Never>?>()
        var connectionState = MQTTConnectionState.disconnected(.notStarted)
        var hasConnectedBefore = false
        var messageStreams: [UInt64: AsyncStream<MQTTMessage>.Continuation] = [:]
        /// Called on the network thread for every message, before the streams get it.
        var messageHandlers: [@Sendable (MQTTMessage) -> Void] = []
        var stateStreams: [UInt64: AsyncStream<MQTTConnectionState>.Continuation] = [:]
        var nextStreamID: UInt64 = 0

        /// Keeps `filter` to unsubscribe from after the next connect.
        mutating func rememberUnsubscription(_ filter: String) {
            if !pendingUnsubscriptions.contains(filter) { pendingUnsubscriptions.append(filter) }
        }

        /// Moves to `newState`, telling every state stream; returns whether anything changed.
        mutating func transition(to newState: MQTTConnectionState) -> Bool {
            guard newState != connectionState else { return false }
            connectionState = newState
            for continuation in stateStreams.values { continuation.yield(newState) }
            return true
        }
    }

    let configuration: MQTTConfiguration
    let logger: Logger
    let metrics: MQTTMetrics
    let state: Mutex<State>

    init(configuration: MQTTConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = MQTTMetrics(factory: configuration.metricsFactory ?? MetricsSystem.factory)
        self.state = Mutex(State(outbound: OutboundQueue(offlineCapacity: configuration.offlineBufferCapacity)))
        metrics.connected.record(0)
    }

    // MARK: - Network events (network thread)

    func handle(_ event: MosquittoEvent, from handle: MosquittoHandle) {
        switch event {
        case .message(let message):
            metrics.messagesIn.increment()
            let (handlers, streams) = state.withLock { ($0.messageHandlers, Array($0.messageStreams.values)) }
            for handler in handlers { handler(message) }
            for stream in streams { stream.yield(message) }
        case .published(let mid):
            state.withLock { _ = $0.publishAcks.acknowledged(mid) }
        case .subscribed(let mid):
            let waiter = state.withLock { $0.subscribeAcks.acknowledged(mid) }
            waiter??.resume()
        case .connected(let sessionPresent):
            resynchronise(via: handle, sessionPresent: sessionPresent)
        case .disconnected(let reason):
            connectionLost(reason)
        }
    }

    /// After every connect: subscribe again, publish every cached state, then flush the offline buffer in order.
    private func resynchronise(via handle: MosquittoHandle, sessionPresent: Bool) {
        let (subscriptions, unsubscriptions, states, isReconnect) = state.withLock { state in
            let isReconnect = state.hasConnectedBefore
            state.hasConnectedBefore = true
            defer { state.pendingUnsubscriptions = [] }
            return (
                state.subscriptions, state.pendingUnsubscriptions, state.outbound.connectionEstablished(), isReconnect
            )
        }
        if isReconnect { metrics.reconnects.increment() }
        logger.debug(
            "MQTT session established",
            metadata: ["mqtt.sessionPresent": "\(sessionPresent)", "mqtt.states": "\(states.count)"])

        for subscription in subscriptions {
            switch handle.subscribe(subscription.filter, qos: subscription.qos) {
            case .success(let mid):
                state.withLock { _ = $0.subscribeAcks.issued(mid, waiter: nil) }
            case .failure(.notConnected), .failure(.stopped):
                return  // the disconnect event follows; the next connect starts over
            case .failure(.rejected(let error)):
                logger.error(
                    "MQTT subscription refused by libmosquitto",
                    metadata: ["mqtt.filter": "\(subscription.filter)", "error": "\(error)"])
            }
        }
        for filter in unsubscriptions {
            switch handle.unsubscribe(filter) {
            case .success(let mid):
                state.withLock { _ = $0.subscribeAcks.issued(mid, waiter: nil) }
            case .failure(.notConnected), .failure(.stopped):
                // Not sent: the next connect tries again.
                state.withLock { state in unsubscriptions.forEach { state.rememberUnsubscription($0) } }
                return
            case .failure(.rejected(let error)):
                logger.error(
                    "MQTT unsubscription refused by libmosquitto", metadata: ["mqtt.filter": "\(filter)", "error": "\(error)"])
            }
        }
        var batch = states
        while true {
            guard send(batch, via: handle) else { return }
            let next = state.withLock { state -> [MQTTMessage] in
                let next = state.outbound.nextResynchronisationBatch()
                if next.isEmpty { _ = state.transition(to: .connected) }
                return next
            }
            if next.isEmpty { break }
            batch = next
        }
        metrics.connected.record(1)
        logger.info(
            "MQTT connected",
            metadata: ["mqtt.url": "\(configuration.url)", "mqtt.clientId": "\(configuration.clientId)"])
    }

    private func connectionLost(_ reason: MQTTDisconnectReason) {
        let (waiters, changed) = state.withLock { state in
            state.outbound.connectionLost()
            // QoS 0 messages not yet written are gone; QoS 1 ones stay queued in libmosquitto and are re-sent.
            _ = state.publishAcks.forget { $0 == .atMostOnce }
            let waiters = state.subscribeAcks.forget { _ in true }
            return (waiters, state.transition(to: .disconnected(reason)))
        }
        metrics.connected.record(0)
        for waiter in waiters { waiter?.resume() }
        guard changed else { return }
        if case .stopped = reason {
            logger.info("MQTT disconnected", metadata: ["mqtt.url": "\(configuration.url)"])
        } else {
            logger.warning(
                "MQTT not connected; retrying with back-off",
                metadata: ["mqtt.url": "\(configuration.url)", "mqtt.reason": "\(reason)"])
        }
    }

    // MARK: - Outgoing (any thread)

    /// Sends `messages` in order, as one burst; on a lost connection puts the unsent rest back and returns `false`.
    func send(_ messages: [MQTTMessage], via handle: MosquittoHandle) -> Bool {
        defer { handle.flushSoon() }
        for (index, message) in messages.enumerated() {
            switch handle.publish(message) {
            case .success(let mid):
                metrics.messagesOut.increment()
                state.withLock { _ = $0.publishAcks.issued(mid, waiter: message.qos) }
            case .failure(.notConnected):
                let dropped = state.withLock { $0.outbound.requeue(Array(messages[index...])) }
                countDropped(dropped)
                return false
            case .failure(.stopped):
                return false
            case .failure(.rejected(let error)):
                logger.error(
                    "MQTT message refused by libmosquitto; dropped",
                    metadata: ["mqtt.topic": "\(message.topic)", "error": "\(error)"])
            }
        }
        return true
    }

    func countDropped(_ count: Int) {
        guard count > 0 else { return }
        metrics.dropped.increment(by: Int64(count))
        logger.debug("MQTT offline buffer full; dropped the oldest messages", metadata: ["mqtt.dropped": "\(count)"])
    }

    /// Whether a graceful stop should still wait: a resynchronisation is running or QoS 1/2 messages lack a PUBACK.
    var hasUnacknowledgedWork: Bool {
        state.withLock { state in
            switch state.outbound.phase {
            case .offline: return false
            case .resynchronising: return true
            case .online: return state.publishAcks.count(where: { $0 != .atMostOnce }) > 0
            }
        }
    }

    /// Marks the client stopped and ends every stream and waiter.
    func finishStopping() {
        let (waiters, messageStreams, stateStreams) = state.withLock { state in
            state.lifecycle = .stopped
            state.outbound.connectionLost()
            _ = state.transition(to: .disconnected(.stopped))
            defer {
                state.messageHandlers = []
                state.messageStreams = [:]
                state.stateStreams = [:]
            }
            return (
                state.subscribeAcks.forget { _ in true }, Array(state.messageStreams.values),
                Array(state.stateStreams.values)
            )
        }
        metrics.connected.record(0)
        for waiter in waiters { waiter?.resume() }
        // Outside the lock: finishing runs the streams' termination handlers, which take it.
        for stream in messageStreams { stream.finish() }
        for stream in stateStreams { stream.finish() }
    }
}
