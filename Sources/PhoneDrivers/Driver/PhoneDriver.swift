import CallModel

/// A phone driver: controls one phone through its vendor's API and turns its callbacks into `PhoneEvent`s.
///
/// Drivers never publish and know no agents. They are constructed by a `PhoneDriverDescriptor`'s factory
/// with a `PhoneDriverContext`, must not do I/O in their initialiser, and are used by one `PhoneSession`,
/// which serialises commands, so a driver sees at most one `perform` at a time.
public protocol PhoneDriver: Sendable {
    /// What this phone can be asked to do (per vendor and model family).
    var capabilities: Set<PhoneCapability> { get }

    /// Sends one command to the phone. Never retries a `dial`.
    func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome

    /// Parses one event callback that reached the bridge's ingress for this phone.
    func receive(_ request: PhoneEventRequest) async -> PhoneEventIngressResult

    /// Asks the phone whether it is there and accepts our credentials. Cheap: run for every phone on a timer.
    func probe() async -> PhoneHealth

    /// Runs the driver's own long-lived work (polling, event streams, simulated activity) until cancelled.
    func run() async throws

    /// The calls the phone has now, for drivers whose phone can list them; `nil` when it cannot.
    /// Used to correct the bridge's view after lost callbacks, restarts and failed commands.
    func listCalls() async throws(PhoneCommandError) -> [PhoneCallSnapshot]?
}

extension PhoneDriver {
    /// Drivers whose events arrive only over the HTTP ingress have nothing to run.
    public func run() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(3600))
        }
    }

    /// Phones that cannot list their calls.
    public func listCalls() async throws(PhoneCommandError) -> [PhoneCallSnapshot]? {
        nil
    }

    /// Drivers without event callbacks answer every ingress request with "unknown route".
    public func receive(_ request: PhoneEventRequest) async -> PhoneEventIngressResult {
        .unknownRoute
    }
}
