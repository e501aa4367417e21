import CallModel

/// Where a driver delivers the normalised events it produces. The bridge owns what happens next.
public struct PhoneEventSink: Sendable {
    private let deliver: @Sendable (PhoneEvent) -> Void

    /// Wraps a delivery function; it must return quickly (it is called from ingress and polling paths).
    public init(_ deliver: @escaping @Sendable (PhoneEvent) -> Void) {
        self.deliver = deliver
    }

    /// Hands one event to the bridge.
    public func emit(_ event: PhoneEvent) {
        deliver(event)
    }
}
