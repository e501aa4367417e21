import CMosquitto
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Synchronization

/// What the network thread reports; delivered on that thread, never inside a libmosquitto callback for `connected`.
enum MosquittoEvent: Sendable {
    /// CONNACK accepted. Sent after libmosquitto has re-sent its own in-flight messages, so anything published
    /// in response goes out after them.
    case connected(sessionPresent: Bool)
    /// A connection attempt failed or an established connection ended.
    case disconnected(MQTTDisconnectReason)
    /// A message arrived on a subscription.
    case message(MQTTMessage)
    /// The broker acknowledged a QoS 1/2 publication, or a QoS 0 one was written to the socket.
    case published(mid: Int32)
    /// The broker acknowledged a subscription or an unsubscription (their ids share one sequence).
    case subscribed(mid: Int32)
}

/// Why a call into libmosquitto failed.
enum MosquittoCallFailure: Error, Sendable {
    /// The connection is down; the work can be retried after a reconnect.
    case notConnected
    /// The handle has been destroyed.
    case stopped
    /// libmosquitto refused the request itself; retrying will not help.
    case rejected(MQTTError)
}

/// Owns one libmosquitto client and the thread that drives its network loop.
///
/// This is the only place that touches the C API. Invariants:
/// - `pointer` holds the `struct mosquitto *` until the network thread destroys it; other threads call
///   libmosquitto only while holding that lock, so they never use a destroyed handle.
/// - The network thread alone connects, runs `mosquitto_loop` and destroys, so it needs no lock for those.
/// - Callbacks run on the network thread; they reach Swift state only through `control` (a `Mutex`) and the
///   `Sendable` event sink.
/// - libmosquitto is told it is threaded (`mosquitto_threaded_set`), which makes `mosquitto_publish` and
///   `mosquitto_subscribe` safe from any thread: they only queue the packet. The network thread alone reads and
///   writes the socket, with libmosquitto's `loop_read`/`loop_write` under its own `poll` (see `turn`), and is
///   woken through `wakeup`, not libmosquitto's one-byte-per-packet socket pair.
final class MosquittoHandle: Sendable {
    /// The `struct mosquitto *`. Marked `Sendable` so it can live in `pointer` and reach the network thread;
    /// the lifetime rules above make each use safe.
    private struct ClientPointer: @unchecked Sendable {
        let raw: OpaquePointer
    }

    private struct Control: Sendable {
        var started = false
        var stopRequested = false
        var crashRequested = false
        var finished = false
        /// Set by the CONNACK callback, consumed by the network thread after `mosquitto_loop` returns.
        var connack: (code: Int32, sessionPresent: Bool)?
        /// Why the broker refused the last CONNECT, for the disconnect that follows.
        var refusal: MQTTDisconnectReason?
        /// What the last disconnect callback said.
        var disconnectText: String?
    }

    /// Guarantees `mosquitto_lib_init` runs exactly once per process, before the first client exists.
    private static let libraryInitialisation: Int32 = mosquitto_lib_init()

    private let configuration: MQTTConfiguration
    private let onEvent: @Sendable (MosquittoHandle, MosquittoEvent) -> Void
    private let pointer: Mutex<ClientPointer?>
    private let control = Mutex(Control())
    /// Cuts the reconnect back-off short when `stop` is requested.
    private let backOffWakeup = DispatchSemaphore(value: 0)
    /// Wakes the network thread's `poll` when packets were queued from another thread.
    private let wakeup: NetworkWakeup
    /// Publications queued since the network thread last wrote: more than one is worth corking the socket for.
    private let publishedSinceWrite = Atomic<Int>(0)

    /// How long the network thread waits for network activity before it looks at its flags and keepalive again.
    private static let loopTimeoutMilliseconds: Int32 = 250
    /// The most packets read in one turn before what they queued (PUBACKs) is written.
    private static let packetsPerTurn = 512
    /// How long a requested stop waits for the DISCONNECT packet to be written.
    private static let disconnectGrace: Duration = .seconds(2)

    /// Creates and configures the libmosquitto client; nothing touches the network until `start`.
    init(
        configuration: MQTTConfiguration,
        onEvent: @escaping @Sendable (MosquittoHandle, MosquittoEvent) -> Void
    ) throws(MQTTError) {
        _ = Self.libraryInitialisation
        self.configuration = configuration
        self.onEvent = onEvent
        self.wakeup = try NetworkWakeup()

        // clean_session = false: together with the session expiry interval, the broker keeps subscriptions
        // and queued QoS 1 messages for this client id across reconnects.
        guard let mosq = mosquitto_new(configuration.clientId, false, nil) else {
            throw .library(operation: "mosquitto_new", code: MOSQ_ERR_ERRNO.rawValue, message: Self.errnoText())
        }
        do {
            try Self.configure(mosq, with: configuration)
        } catch {
            mosquitto_destroy(mosq)
            throw error
        }
        Self.installCallbacks(on: mosq)
        let client = ClientPointer(raw: mosq)
        pointer = Mutex(client)
        mosquitto_user_data_set(client.raw, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        // Only reached when the network thread never started or has already finished (it holds `self`).
        pointer.withLock { client in
            if let client { mosquitto_destroy(client.raw) }
            client = nil
        }
    }

    // MARK: - Lifecycle

    /// Starts the network thread, which connects and reconnects until `requestStop` or `simulateCrash`.
    func start() {
        let shouldStart = control.withLock { state -> Bool in
            guard !state.started else { return false }
            state.started = true
            return true
        }
        guard shouldStart else { return }
        let thread = Thread { [self] in
            guard let client = self.pointer.withLock({ $0 }) else { return }
            self.runNetworkLoop(client.raw)
        }
        thread.name = "mqtt-\(configuration.clientId)"
        thread.start()
    }

    /// Sends DISCONNECT (so the broker discards the will) and lets the network thread finish.
    func requestStop() {
        let started = control.withLock { state -> Bool in
            state.stopRequested = true
            return state.started
        }
        pointer.withLock { client in
            // Sets libmosquitto's state to disconnected and queues the DISCONNECT packet.
            if let client, started { _ = mosquitto_disconnect(client.raw) }
        }
        backOffWakeup.signal()
        wakeup.signal()
        if !started { control.withLock { $0.finished = true } }
    }

    /// Ends the network thread without DISCONNECT and closes the socket, as if the process had died.
    func simulateCrash() {
        let started = control.withLock { state -> Bool in
            state.crashRequested = true
            return state.started
        }
        backOffWakeup.signal()
        wakeup.signal()
        if !started { control.withLock { $0.finished = true } }
    }

    /// Whether the network thread has ended and the libmosquitto handle is destroyed.
    var isFinished: Bool { control.withLock { $0.finished } }

    // MARK: - Requests from any thread

    /// Asks the network thread to write what has been queued (publications, subscriptions); call once after a
    /// burst of `publish` calls, so the burst leaves in as few TCP segments as possible.
    func flushSoon() {
        wakeup.signal()
    }

    /// Queues `message` in libmosquitto (`flushSoon` sends it); returns its message id.
    func publish(_ message: MQTTMessage) -> Result<Int32, MosquittoCallFailure> {
        publishedSinceWrite.add(1, ordering: .relaxed)
        return pointer.withLock { client -> Result<Int32, MosquittoCallFailure> in
            guard let mosq = client?.raw else { return .failure(.stopped) }
            var properties: OpaquePointer?
            defer { mosquitto_property_free_all(&properties) }
            if let responseTopic = message.responseTopic {
                let rc = mosquitto_property_add_string(
                    &properties, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), responseTopic)
                if rc != MOSQ_ERR_SUCCESS.rawValue {
                    return .failure(Self.classify(rc, "mosquitto_property_add_string"))
                }
            }
            if let correlationData = message.correlationData {
                guard correlationData.count <= Int(UInt16.max) else {
                    return .failure(.rejected(.invalidConfiguration("correlation data longer than 65535 bytes")))
                }
                let rc = correlationData.withUnsafeBytes { bytes in
                    mosquitto_property_add_binary(
                        &properties, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), bytes.baseAddress, UInt16(bytes.count))
                }
                if rc != MOSQ_ERR_SUCCESS.rawValue {
                    return .failure(Self.classify(rc, "mosquitto_property_add_binary"))
                }
            }
            var mid: Int32 = 0
            let rc = message.payload.withUnsafeBytes { payload in
                mosquitto_publish_v5(
                    mosq, &mid, message.topic, Int32(payload.count), payload.baseAddress,
                    message.qos.rawValue, message.retain, properties)
            }
            guard rc == MOSQ_ERR_SUCCESS.rawValue else { return .failure(Self.classify(rc, "mosquitto_publish_v5")) }
            return .success(mid)
        }
    }

    /// Asks the broker for a subscription; returns its message id.
    func subscribe(_ filter: String, qos: MQTTQoS) -> Result<Int32, MosquittoCallFailure> {
        pointer.withLock { client -> Result<Int32, MosquittoCallFailure> in
            guard let mosq = client?.raw else { return .failure(.stopped) }
            var mid: Int32 = 0
            let rc = mosquitto_subscribe_v5(mosq, &mid, filter, qos.rawValue, 0, nil)
            guard rc == MOSQ_ERR_SUCCESS.rawValue else { return .failure(Self.classify(rc, "mosquitto_subscribe_v5")) }
            wakeup.signal()
            return .success(mid)
        }
    }

    /// Asks the broker to end a subscription; returns the message id its acknowledgement will carry.
    func unsubscribe(_ filter: String) -> Result<Int32, MosquittoCallFailure> {
        pointer.withLock { client -> Result<Int32, MosquittoCallFailure> in
            guard let mosq = client?.raw else { return .failure(.stopped) }
            var mid: Int32 = 0
            let rc = mosquitto_unsubscribe_v5(mosq, &mid, filter, nil)
            guard rc == MOSQ_ERR_SUCCESS.rawValue else { return .failure(Self.classify(rc, "mosquitto_unsubscribe_v5")) }
            wakeup.signal()
            return .success(mid)
        }
    }

    // MARK: - Network thread

    private func runNetworkLoop(_ mosq: OpaquePointer) {
        var failedAttempts = 0
        var sessionUp = false
        var stopDeadline: ContinuousClock.Instant?
        // A stop requested while a connection was being opened must still say DISCONNECT, or the will fires.
        var disconnectIssued = false

        func connectionEnded(_ fallback: MQTTDisconnectReason) {
            let recorded = control.withLock { state -> (MQTTDisconnectReason?, String?) in
                defer {
                    state.refusal = nil
                    state.disconnectText = nil
                }
                return (state.refusal, state.disconnectText)
            }
            let reason: MQTTDisconnectReason
            if let refusal = recorded.0 {
                reason = refusal
            } else if sessionUp {
                reason = .connectionLost(recorded.1 ?? fallback.description)
            } else {
                reason = fallback
            }
            sessionUp = false
            onEvent(self, .disconnected(reason))
        }

        while true {
            let flags = control.withLock { ($0.stopRequested, $0.crashRequested) }
            if flags.1 { break }
            let socketOpen = mosquitto_socket(mosq) != -1
            if flags.0 {
                let deadline = stopDeadline ?? ContinuousClock.now.advanced(by: Self.disconnectGrace)
                stopDeadline = deadline
                if !socketOpen || ContinuousClock.now >= deadline { break }
                if !disconnectIssued {
                    _ = mosquitto_disconnect(mosq)
                    disconnectIssued = true
                }
            } else if !socketOpen {
                let rc = connect(mosq)
                if rc != MOSQ_ERR_SUCCESS.rawValue {
                    connectionEnded(.connectFailed(Self.describe(rc)))
                    backOff(failedAttempts)
                    failedAttempts += 1
                    continue
                }
                disconnectIssued = false
            }

            let rc = turn(mosq)

            if let connack = control.withLock({ state in
                defer { state.connack = nil }
                return state.connack
            }), connack.code == 0 {
                failedAttempts = 0
                sessionUp = true
                onEvent(self, .connected(sessionPresent: connack.sessionPresent))
            }

            if rc != MOSQ_ERR_SUCCESS.rawValue || mosquitto_socket(mosq) == -1 {
                let stopping = control.withLock { $0.stopRequested || $0.crashRequested }
                if stopping {
                    if sessionUp { onEvent(self, .disconnected(.stopped)) }
                    sessionUp = false
                    continue
                }
                connectionEnded(.connectFailed(Self.describe(rc)))
                backOff(failedAttempts)
                failedAttempts += 1
            }
        }

        if sessionUp { onEvent(self, .disconnected(.stopped)) }
        pointer.withLock { client in
            // Closes the socket without DISCONNECT if one is still open (the crash case).
            if let client { mosquitto_destroy(client.raw) }
            client = nil
        }
        control.withLock { $0.finished = true }
    }

    /// One turn of the network loop, what `mosquitto_loop` does but in bulk: waits for the socket or a wake-up,
    /// reads every packet that has arrived (up to `packetsPerTurn`), then writes everything queued (the PUBACKs
    /// those packets asked for, other threads' publications) in one corked burst, then keeps the connection
    /// alive. `mosquitto_loop` reads one packet per `select` when nothing of ours is in flight and writes each
    /// packet as its own segment; at thousands of messages a second those system calls were most of its cost.
    /// Returns a `MOSQ_ERR_*` code like `mosquitto_loop`; on a failure libmosquitto has closed the socket.
    private func turn(_ mosq: OpaquePointer) -> Int32 {
        let success = MOSQ_ERR_SUCCESS.rawValue
        let socket = mosquitto_socket(mosq)
        guard socket >= 0 else { return MOSQ_ERR_NO_CONN.rawValue }
        let wantWrite = mosquitto_want_write(mosq)
        var fds = [
            pollfd(fd: socket, events: Int16(POLLIN) | (wantWrite ? Int16(POLLOUT) : 0), revents: 0),
            pollfd(fd: wakeup.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        if poll(&fds, 2, Self.loopTimeoutMilliseconds) < 0 {
            return errno == EINTR ? success : MOSQ_ERR_ERRNO.rawValue
        }
        var packetsRead = 0
        if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            while packetsRead < Self.packetsPerTurn {
                // libmosquitto says "nothing more to read" only through errno.
                errno = 0
                let rc = mosquitto_loop_read(mosq, 1)
                if rc != success || mosquitto_socket(mosq) != socket { return rc }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                packetsRead += 1
            }
        }
        if fds[1].revents & Int16(POLLIN) != 0 { wakeup.consume() }
        let queued = publishedSinceWrite.exchange(0, ordering: .relaxed) + packetsRead
        if mosquitto_want_write(mosq) {
            let cork = queued > 1
            if cork { _ = ctib_tcp_set_cork(socket, 1) }
            let rc = mosquitto_loop_write(mosq, 1)
            if rc != success || mosquitto_socket(mosq) != socket { return rc }
            if cork { _ = ctib_tcp_set_cork(socket, 0) }
        }
        return mosquitto_loop_misc(mosq)
    }

    /// One blocking connection attempt (TCP, TLS, CONNECT); CONNACK arrives later through `turn`.
    private func connect(_ mosq: OpaquePointer) -> Int32 {
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        let expiry = UInt32(clamping: configuration.sessionExpiry.components.seconds)
        let rc = mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), expiry)
        if rc != MOSQ_ERR_SUCCESS.rawValue { return rc }
        return mosquitto_connect_bind_v5(
            mosq, configuration.url.host, Int32(configuration.url.port),
            Int32(configuration.keepAlive.components.seconds), nil, properties)
    }

    /// Waits before the next attempt: the minimum delay doubled per failure, capped; `stop` cuts it short.
    private func backOff(_ failedAttempts: Int) {
        let delay = Self.backOffDelay(
            failedAttempts: failedAttempts, min: configuration.reconnectDelayMin, max: configuration.reconnectDelayMax)
        let nanoseconds = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
        _ = backOffWakeup.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
    }

    static func backOffDelay(failedAttempts: Int, min: Duration, max: Duration) -> Duration {
        let doublings = Swift.min(failedAttempts, 30)
        let delay = min * (1 << doublings)
        return delay > max ? max : delay
    }

    // MARK: - Setup

    private static func configure(_ mosq: OpaquePointer, with configuration: MQTTConfiguration) throws(MQTTError) {
        func check(_ rc: Int32, _ operation: String) throws(MQTTError) {
            guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                throw .library(operation: operation, code: rc, message: describe(rc))
            }
        }
        try check(
            mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5), "set protocol version")
        try check(mosquitto_threaded_set(mosq, true), "mosquitto_threaded_set")
        // Nagle's algorithm holds a small packet back until the previous one is acknowledged, and the broker
        // delays that acknowledgement by up to 40 ms: state messages and PUBACKs are small and come in bursts.
        try check(mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1), "disable Nagle's algorithm")
        if let username = configuration.username {
            try check(mosquitto_username_pw_set(mosq, username, configuration.password), "set username and password")
        }
        if let will = configuration.will {
            let rc = will.payload.withUnsafeBytes { payload in
                mosquitto_will_set_v5(
                    mosq, will.topic, Int32(payload.count), payload.baseAddress, will.qos.rawValue, will.retain, nil)
            }
            try check(rc, "set will on \(will.topic)")
        }
        if configuration.url.usesTLS {
            if let caFile = configuration.caFile {
                guard FileManager.default.isReadableFile(atPath: caFile) else {
                    throw .invalidConfiguration("CA file \(caFile) is not readable")
                }
                try check(mosquitto_tls_set(mosq, caFile, nil, nil, nil, nil), "set TLS CA file \(caFile)")
            } else {
                try check(mosquitto_int_option(mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1), "use the system CA certificates")
            }
        }
    }

    private static func installCallbacks(on mosq: OpaquePointer) {
        mosquitto_connect_v5_callback_set(mosq) { @Sendable _, userdata, reasonCode, flags, _ in
            guard let handle = MosquittoHandle.from(userdata) else { return }
            let refusal: MQTTDisconnectReason? =
                reasonCode == 0
                ? nil : .refused(reasonCode: Int(reasonCode), String(cString: mosquitto_reason_string(reasonCode)))
            handle.control.withLock { state in
                state.connack = (reasonCode, flags & 1 == 1)
                state.refusal = refusal
            }
        }
        mosquitto_disconnect_v5_callback_set(mosq) { @Sendable _, userdata, reasonCode, _ in
            guard let handle = MosquittoHandle.from(userdata) else { return }
            // A broker DISCONNECT carries an MQTT 5 reason code (>= 128); otherwise this is a MOSQ_ERR code.
            let text =
                reasonCode >= 128
                ? String(cString: mosquitto_reason_string(reasonCode)) : MosquittoHandle.describe(reasonCode)
            handle.control.withLock { $0.disconnectText = text }
        }
        mosquitto_publish_v5_callback_set(mosq) { @Sendable _, userdata, mid, _, _ in
            guard let handle = MosquittoHandle.from(userdata) else { return }
            handle.onEvent(handle, .published(mid: mid))
        }
        mosquitto_subscribe_v5_callback_set(mosq) { @Sendable _, userdata, mid, _, _, _ in
            guard let handle = MosquittoHandle.from(userdata) else { return }
            handle.onEvent(handle, .subscribed(mid: mid))
        }
        mosquitto_unsubscribe_v5_callback_set(mosq) { @Sendable _, userdata, mid, _ in
            guard let handle = MosquittoHandle.from(userdata) else { return }
            handle.onEvent(handle, .subscribed(mid: mid))
        }
        mosquitto_message_v5_callback_set(mosq) { @Sendable _, userdata, message, properties in
            guard let handle = MosquittoHandle.from(userdata), let message else { return }
            handle.onEvent(handle, .message(MosquittoHandle.copy(message.pointee, properties: properties)))
        }
    }

    private static func from(_ userdata: UnsafeMutableRawPointer?) -> MosquittoHandle? {
        guard let userdata else { return nil }
        return Unmanaged<MosquittoHandle>.fromOpaque(userdata).takeUnretainedValue()
    }

    /// Copies an incoming message and its MQTT 5 properties into Swift values; nothing C outlives the callback.
    private static func copy(_ message: mosquitto_message, properties: OpaquePointer?) -> MQTTMessage {
        let topic = message.topic.map { String(cString: $0) } ?? ""
        var payload: [UInt8] = []
        if let bytes = message.payload, message.payloadlen > 0 {
            payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
        }
        var responseTopic: String?
        var text: UnsafeMutablePointer<CChar>?
        if mosquitto_property_read_string(properties, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), &text, false) != nil,
            let text
        {
            responseTopic = String(cString: text)
            free(text)
        }
        var correlationData: [UInt8]?
        var binary: UnsafeMutableRawPointer?
        var length: UInt16 = 0
        if mosquitto_property_read_binary(
            properties, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), &binary, &length, false) != nil
        {
            correlationData = binary.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) } ?? []
            free(binary)
        }
        return MQTTMessage(
            topic: topic, payload: payload, qos: MQTTQoS(rawValue: message.qos) ?? .atMostOnce,
            retain: message.retain, responseTopic: responseTopic, correlationData: correlationData)
    }

    // MARK: - Errors

    private static func classify(_ rc: Int32, _ operation: String) -> MosquittoCallFailure {
        switch rc {
        case MOSQ_ERR_NO_CONN.rawValue, MOSQ_ERR_CONN_LOST.rawValue, MOSQ_ERR_ERRNO.rawValue:
            return .notConnected
        default:
            return .rejected(.library(operation: operation, code: rc, message: describe(rc)))
        }
    }

    /// A readable text for a `MOSQ_ERR_*` code; `MOSQ_ERR_ERRNO` is explained by `errno`.
    static func describe(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue { return errnoText() }
        return String(cString: mosquitto_strerror(rc))
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
