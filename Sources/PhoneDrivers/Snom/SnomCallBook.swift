import CallModel

/// What a Snom driver has learned from its phone's callbacks: live calls, recently ended calls, and DND.
///
/// Snom's hold and DND keys are toggles and its API cannot be asked for state, so the driver remembers what
/// the callbacks said in order not to press a toggle that would do the opposite of what was asked.
actor SnomCallBook {
    private var calls: [PhoneCallID: SnomCallMemory] = [:]
    private var order: [PhoneCallID] = []
    private var recentlyCleared: [PhoneCallID] = []
    /// DND as last reported or set; `nil` until the phone or a command told us.
    private(set) var doNotDisturb: Bool?

    /// Bounds, so a phone that never reports call ends cannot grow memory.
    private static let maximumCalls = 32
    private static let rememberedClears = 64

    /// What was known about `call` before now.
    func memory(of call: PhoneCallID) -> SnomCallMemory? {
        calls[call]
    }

    /// Whether `call` already ended (a second end report, e.g. missed after disconnected, is dropped).
    func hasCleared(_ call: PhoneCallID) -> Bool {
        recentlyCleared.contains(call)
    }

    /// The newest live call, or the requested one if known.
    func target(_ requested: PhoneCallID?) -> (PhoneCallID, SnomCallMemory)? {
        if let requested {
            return calls[requested].map { (requested, $0) }
        }
        guard let newest = order.last, let memory = calls[newest] else { return nil }
        return (newest, memory)
    }

    /// Records what an event says.
    func apply(_ kind: PhoneEvent.Kind) {
        switch kind {
        case .delivered(let call, _, _):
            insert(call, SnomCallMemory(direction: .inbound, state: .alerting, everConnected: false))
        case .serviceInitiated(let call, _):
            insert(call, SnomCallMemory(direction: .outbound, state: .initiated, everConnected: false))
        case .established(let call, _), .retrieved(let call):
            var memory = calls[call] ?? SnomCallMemory(direction: .inbound, state: .connected, everConnected: true)
            memory.state = .connected
            memory.everConnected = true
            insert(call, memory)
        case .held(let call):
            var memory = calls[call] ?? SnomCallMemory(direction: .inbound, state: .held, everConnected: true)
            memory.state = .held
            memory.everConnected = true
            insert(call, memory)
        case .connectionCleared(let call, _), .transferred(let call, _), .diverted(let call, _):
            remove(call)
        case .doNotDisturb(let on):
            doNotDisturb = on
        case .rebooted, .idle:
            for call in order { remember(cleared: call) }
            calls.removeAll()
            order.removeAll()
        case .remoteAlerting, .forwarding:
            break
        }
    }

    /// Records DND as set by a command, until a callback says otherwise.
    func setDoNotDisturb(_ on: Bool) {
        doNotDisturb = on
    }

    private func insert(_ call: PhoneCallID, _ memory: SnomCallMemory) {
        recentlyCleared.removeAll { $0 == call }
        calls[call] = memory
        order.removeAll { $0 == call }
        order.append(call)
        while order.count > Self.maximumCalls {
            calls[order.removeFirst()] = nil
        }
    }

    private func remove(_ call: PhoneCallID) {
        calls[call] = nil
        order.removeAll { $0 == call }
        remember(cleared: call)
    }

    private func remember(cleared call: PhoneCallID) {
        recentlyCleared.append(call)
        if recentlyCleared.count > Self.rememberedClears { recentlyCleared.removeFirst() }
    }
}
