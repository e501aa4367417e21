import Synchronization

/// Lets a driver ask for a health probe now, instead of at the next scheduled one.
///
/// A driver that keeps a stream open to its phone (baresip's ctrl_tcp) learns that the phone may be gone the moment
/// the stream drops; a probe right then turns that into "offline" within a request, so the phone's calls end at
/// once instead of at the next scheduled probe a minute later. The bridge connects the requester to the phone's
/// session; a requester nobody connected does nothing.
public final class ProbeRequester: Sendable {
    private let action = Mutex<(@Sendable () -> Void)?>(nil)

    public init() {}

    /// Sets what a request does (the bridge: probe the phone's session now).
    public func connect(_ action: @escaping @Sendable () -> Void) {
        self.action.withLock { $0 = action }
    }

    /// Asks for a probe now.
    public func requestProbe() {
        action.withLock { $0 }?()
    }
}
