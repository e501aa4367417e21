import Logging
import Synchronization

/// An MQTT 5 client for a long-running bridge, built on libmosquitto.
///
/// It connects with a stable client id and a persistent session, reconnects with back-off forever, subscribes
/// again and re-publishes every retained state after each reconnect, and keeps outgoing messages in bounded
/// buffers while disconnected. All methods are safe to call from any thread or task.
public final class MQTTClient: Sendable {
    private let core: MQTTClientCore
    private let handle: MosquittoHandle

    /// Creates a client; checks the configuration (and the TLS CA file) but does not connect yet.
    public init(configuration: MQTTConfiguration, logger: Logger) throws(MQTTError) {
        try configuration.validate()
        let core = MQTTClientCore(configuration: configuration, logger: logger)
        self.core = core
        self.handle = try MosquittoHandle(configuration: configuration) { handle, event in
            core.handle(event, from: handle)
        }
    }

    deinit {
        let running = core.state.withLock { $0.lifecycle == .running || $0.lifecycle == .stopping }
        if running { handle.requestStop() }
    }

    /// The configuration the client was created with.
    public var configuration: MQTTConfiguration { core.configuration }

    /// Begins connecting in the background and returns at once; the client reconnects until `stop`.
    public func start() {
        let shouldStart = core.state.withLock { state -> Bool in
            guard state.lifecycle == .idle else { return false }
            state.lifecycle = .running
            return true
        }
        if shouldStart { handle.start() }
    }

    /// Whether the client is connected and has caught up (subscriptions, states and buffer sent).
    public var isConnected: Bool {
        core.state.withLock { $0.connectionState == .connected }
    }

    /// The current connection state.
    public var connectionState: MQTTConnectionState {
        core.state.withLock { $0.connectionState }
    }

    /// Waits until connected, or until `timeout` passes; returns whether the client is connected.
    public func waitUntilConnected(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !isConnected {
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Publishes `message` without waiting for the network.
    ///
    /// While disconnected, a retained message replaces the cached state of its topic (sent after the reconnect)
    /// and any other message waits in the bounded offline buffer, which drops its oldest entry when full.
    /// A message that cannot be published (invalid topic, or the client is stopped) is logged and dropped;
    /// `tryPublish` reports it instead.
    public func publish(_ message: MQTTMessage) {
        do {
            try tryPublish(message)
        } catch {
            core.logger.error(
                "MQTT message not published", metadata: ["mqtt.topic": "\(message.topic)", "error": "\(error)"])
        }
    }

    /// Publishes `messages` in order like `publish`, as one burst: they are handed to the network thread
    /// together, which writes them in as few TCP segments as it can. Invalid ones are logged and dropped.
    public func publish(contentsOf messages: [MQTTMessage]) {
        var valid: [MQTTMessage] = []
        valid.reserveCapacity(messages.count)
        for message in messages {
            do throws(MQTTError) {
                try Self.validate(message)
                valid.append(message)
            } catch {
                core.logger.error(
                    "MQTT message not published", metadata: ["mqtt.topic": "\(message.topic)", "error": "\(error)"])
            }
        }
        let decisions = core.state.withLock { state -> [OutboundQueue.Decision]? in
            guard state.lifecycle != .stopped else { return nil }
            return valid.map { state.outbound.submit($0) }
        }
        guard let decisions else {
            core.logger.error("MQTT messages not published: the client is stopped", metadata: ["mqtt.count": "\(valid.count)"])
            return
        }
        var now: [MQTTMessage] = []
        for (message, decision) in zip(valid, decisions) {
            switch decision {
            case .send: now.append(message)
            case .queued(let dropped): core.countDropped(dropped)
            }
        }
        if !now.isEmpty { _ = core.send(now, via: handle) }
    }

    /// Publishes `message` like `publish`, but throws for an invalid topic or payload, or after `stop`.
    public func tryPublish(_ message: MQTTMessage) throws(MQTTError) {
        try Self.validate(message)
        let decision = try core.state.withLock { state throws(MQTTError) -> OutboundQueue.Decision in
            guard state.lifecycle != .stopped else { throw .stopped }
            return state.outbound.submit(message)
        }
        switch decision {
        case .send:
            _ = core.send([message], via: handle)
        case .queued(let dropped):
            core.countDropped(dropped)
        }
    }

    private static func validate(_ message: MQTTMessage) throws(MQTTError) {
        guard MQTTTopic.isValidName(message.topic) else {
            throw .invalidMessage("\"\(message.topic)\" is not a valid topic name")
        }
        guard message.payload.count <= 268_435_455 else {
            throw .invalidMessage("payload of \(message.payload.count) bytes exceeds the MQTT maximum")
        }
        if let responseTopic = message.responseTopic, !MQTTTopic.isValidName(responseTopic) {
            throw .invalidMessage("\"\(responseTopic)\" is not a valid response topic")
        }
        if let correlationData = message.correlationData, correlationData.count > Int(UInt16.max) {
            throw .invalidMessage("correlation data longer than 65535 bytes")
        }
    }

    /// Subscribes to `filter`, now and after every reconnect; when connected, returns once the broker acknowledged.
    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce) async throws(MQTTError) {
        guard MQTTTopic.isValidFilter(filter) else {
            throw .invalidMessage("\"\(filter)\" is not a valid topic filter")
        }
        let sendNow = try core.state.withLock { state throws(MQTTError) -> Bool in
            guard state.lifecycle == .idle || state.lifecycle == .running else { throw .stopped }
            state.pendingUnsubscriptions.removeAll { $0 == filter }
            if let index = state.subscriptions.firstIndex(where: { $0.filter == filter }) {
                state.subscriptions[index].qos = qos
            } else {
                state.subscriptions.append(.init(filter: filter, qos: qos))
            }
            // Offline: the resynchronisation after the next connect sends it.
            return state.outbound.phase != .offline
        }
        guard sendNow else { return }
        switch handle.subscribe(filter, qos: qos) {
        case .success(let mid):
            await acknowledgement(of: mid)
        case .failure(.notConnected), .failure(.stopped):
            return
        case .failure(.rejected(let error)):
            throw error
        }
    }

    /// Ends the subscription to `filter`, now and after every reconnect; when connected, returns once the broker
    /// acknowledged. Offline, the broker is told after the next connect (its persistent session still holds it).
    public func unsubscribe(_ filter: String) async throws(MQTTError) {
        guard MQTTTopic.isValidFilter(filter) else {
            throw .invalidMessage("\"\(filter)\" is not a valid topic filter")
        }
        let sendNow = try core.state.withLock { state throws(MQTTError) -> Bool in
            guard state.lifecycle == .idle || state.lifecycle == .running else { throw .stopped }
            state.subscriptions.removeAll { $0.filter == filter }
            guard state.outbound.phase != .offline else {
                state.rememberUnsubscription(filter)
                return false
            }
            return true
        }
        guard sendNow else { return }
        switch handle.unsubscribe(filter) {
        case .success(let mid):
            await acknowledgement(of: mid)
        case .failure(.notConnected), .failure(.stopped):
            core.state.withLock { $0.rememberUnsubscription(filter) }
        case .failure(.rejected(let error)):
            throw error
        }
    }

    /// Returns once the broker has acknowledged the (un)subscription `mid`, or the connection is gone.
    private func acknowledgement(of mid: Int32) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyAcknowledged = core.state.withLock { !$0.subscribeAcks.issued(mid, waiter: continuation) }
            if alreadyAcknowledged { continuation.resume() }
        }
    }

    /// Calls `handler` for every message received on the subscriptions, in order, on the client's network thread,
    /// until the client stops.
    ///
    /// For consumers that only glance at each message (count it, match it, hand it on): a stream wakes a task for
    /// every message, which at tens of thousands of messages a second costs more than the glance. The handler
    /// must return quickly and never block: the client reads nothing else meanwhile.
    public func onMessage(_ handler: @escaping @Sendable (MQTTMessage) -> Void) {
        core.state.withLock { state in
            guard state.lifecycle != .stopped else { return }
            state.messageHandlers.append(handler)
        }
    }

    /// A new stream of every message received on the subscriptions; each call gets its own stream.
    ///
    /// A reader that falls behind by more than `incomingBufferCapacity` messages loses the oldest ones.
    /// The stream ends when the client stops.
    public func messages() -> AsyncStream<MQTTMessage> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTMessage.self, bufferingPolicy: .bufferingNewest(core.configuration.incomingBufferCapacity))
        let id = core.state.withLock { state in
            defer { state.nextStreamID += 1 }
            return state.nextStreamID
        }
        continuation.onTermination = { [weak core] _ in
            core?.state.withLock { _ = $0.messageStreams.removeValue(forKey: id) }
        }
        let registered = core.state.withLock { state -> Bool in
            guard state.lifecycle != .stopped else { return false }
            state.messageStreams[id] = continuation
            return true
        }
        if !registered { continuation.finish() }
        return stream
    }

    /// A new stream of connection states, starting with the current one; each call gets its own stream.
    public func connectionStates() -> AsyncStream<MQTTConnectionState> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTConnectionState.self, bufferingPolicy: .bufferingNewest(64))
        let id = core.state.withLock { state in
            defer { state.nextStreamID += 1 }
            return state.nextStreamID
        }
        continuation.onTermination = { [weak core] _ in
            core?.state.withLock { _ = $0.stateStreams.removeValue(forKey: id) }
        }
        let registered = core.state.withLock { state -> Bool in
            // Yielded under the lock so no later state can overtake the current one.
            continuation.yield(state.connectionState)
            guard state.lifecycle != .stopped else { return false }
            state.stateStreams[id] = continuation
            return true
        }
        if !registered { continuation.finish() }
        return stream
    }

    /// Disconnects cleanly, so the broker does not publish the will.
    ///
    /// First waits, at most `flushTimeout`, until every QoS 1 message already handed over is acknowledged
    /// (so a final "offline" state reaches the broker). Messages still waiting for a connection are discarded.
    public func stop(flushTimeout: Duration = .seconds(5)) async {
        let shouldStop = core.state.withLock { state -> Bool in
            guard state.lifecycle == .idle || state.lifecycle == .running else { return false }
            state.lifecycle = .stopping
            return true
        }
        guard shouldStop else {
            await waitForNetworkThread(timeout: flushTimeout + .seconds(3))
            return
        }
        let flushDeadline = ContinuousClock.now.advanced(by: flushTimeout)
        while core.hasUnacknowledgedWork && ContinuousClock.now < flushDeadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        handle.requestStop()
        await waitForNetworkThread(timeout: .seconds(3))
        core.finishStopping()
    }

    /// Test hook: ends the connection without DISCONNECT, as if the process had been killed, so the will fires.
    package func simulateCrash() async {
        core.state.withLock { $0.lifecycle = .stopping }
        handle.simulateCrash()
        await waitForNetworkThread(timeout: .seconds(3))
        core.finishStopping()
    }

    private func waitForNetworkThread(timeout: Duration) async {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !handle.isFinished && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
