import Synchronization

/// The state of a baresip driver's ctrl_tcp event connection, for diagnostics and tests.
public struct BaresipEventLinkStatus: Sendable, Equatable {
    /// Whether the connection is up and baresip answered the greeting, so events flow.
    public var connected: Bool
    /// How many times a connection was established.
    public var connections: Int
    /// Netstring frames that were malformed or longer than the limit and were thrown away.
    public var droppedFrames: Int
    /// Frames that were no baresip JSON message.
    public var unreadableMessages: Int
    /// Why the last connection ended or failed, if it did.
    public var lastError: String?

    public init(
        connected: Bool = false, connections: Int = 0, droppedFrames: Int = 0, unreadableMessages: Int = 0,
        lastError: String? = nil
    ) {
        self.connected = connected
        self.connections = connections
        self.droppedFrames = droppedFrames
        self.unreadableMessages = unreadableMessages
        self.lastError = lastError
    }
}

/// Reads baresip's ctrl_tcp events and hands them to the call tracker, reconnecting with back-off.
struct BaresipEventLink: Sendable {
    /// The token of the greeting command whose answer proves ctrl_tcp is serving this connection.
    static let greetingToken = "ctibridge-hello"
    /// `{"command":"reginfo","token":…}` as a netstring: a harmless command whose answer marks the link up.
    static var greeting: [UInt8] {
        let json = #"{"command":"reginfo","token":"\#(greetingToken)"}"#
        return Array("\(json.utf8.count):\(json),".utf8)
    }

    let endpoint: BaresipEndpoint
    let connectTimeout: Duration
    let reconnectInitial: Duration
    let reconnectMaximum: Duration
    let maximumFrameLength: Int
    let tracker: BaresipCallTracker
    let status: BaresipEventLinkStatusBox
    let clock: any Clock<Duration>
    /// Told when an established link drops: baresip may have died with its calls.
    let linkLost: ProbeRequester

    /// Connects, reads and reconnects until the task is cancelled.
    func run() async throws {
        var delay = reconnectInitial
        while !Task.isCancelled {
            let wasConnected = await readOneConnection()
            if wasConnected {
                delay = reconnectInitial
                linkLost.requestProbe()
            }
            try await clock.sleep(for: delay)
            if !wasConnected { delay = min(delay * 2, reconnectMaximum) }
        }
    }

    /// Reads one connection until it ends; returns whether it was established.
    private func readOneConnection() async -> Bool {
        let bytes = BaresipControlSocket.open(endpoint, connectTimeout: connectTimeout, greeting: Self.greeting)
        var decoder = BaresipNetstringDecoder(maximumFrameLength: maximumFrameLength)
        var established = false
        var failure: String?
        var droppedReported = 0
        do {
            for try await chunk in bytes {
                let frames = decoder.feed(chunk)
                if decoder.droppedFrames > droppedReported {
                    let newlyDropped = decoder.droppedFrames - droppedReported
                    droppedReported = decoder.droppedFrames
                    status.update { $0.droppedFrames += newlyDropped }
                }
                for frame in frames {
                    guard let message = BaresipMessage(json: frame) else {
                        status.update { $0.unreadableMessages += 1 }
                        continue
                    }
                    if case .response(_, _, let token) = message.kind, token == Self.greetingToken, !established {
                        established = true
                        status.update {
                            $0.connected = true
                            $0.connections += 1
                            $0.lastError = nil
                        }
                    }
                    await tracker.apply(message)
                }
            }
        } catch {
            failure = "\(error)"
        }
        status.update {
            $0.connected = false
            if let failure { $0.lastError = failure }
        }
        return established
    }
}

/// The link status shared between the reader and the driver that reports it.
final class BaresipEventLinkStatusBox: Sendable {
    private let state = Mutex(BaresipEventLinkStatus())

    var current: BaresipEventLinkStatus { state.withLock { $0 } }

    func update(_ change: (inout BaresipEventLinkStatus) -> Void) {
        state.withLock { change(&$0) }
    }
}
