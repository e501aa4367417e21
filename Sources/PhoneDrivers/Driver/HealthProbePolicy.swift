/// How often a phone is probed: a slow beat while it answers, exponential back-off with jitter while it does not.
///
/// Jitter keeps 10,000 phones from being probed in the same second after a network blip, and the back-off
/// keeps a phone that locks out after failed logins from being hammered.
public struct HealthProbePolicy: Sendable, Equatable {
    /// The interval between probes of a healthy phone.
    public var interval: Duration
    /// The first retry delay after a failed probe; doubled per further failure.
    public var retryInitial: Duration
    /// The longest retry delay.
    public var retryMaximum: Duration
    /// The fraction of each delay that is randomised (0.2 = ±20 %).
    public var jitter: Double
    /// The first probe happens after a random delay up to this, to spread start-up load.
    public var initialSpread: Duration

    public init(
        interval: Duration = .seconds(60), retryInitial: Duration = .seconds(5), retryMaximum: Duration = .seconds(300),
        jitter: Double = 0.2, initialSpread: Duration = .seconds(1)
    ) {
        self.interval = interval
        self.retryInitial = retryInitial
        self.retryMaximum = retryMaximum
        self.jitter = jitter
        self.initialSpread = initialSpread
    }

    /// The delay before the next probe after `consecutiveFailures` failed probes (0 = healthy).
    public func delay(afterFailures consecutiveFailures: Int, random: Double = Double.random(in: -1...1)) -> Duration {
        let base: Duration
        if consecutiveFailures == 0 {
            base = interval
        } else {
            let factor = 1 << min(consecutiveFailures - 1, 20)
            base = min(retryInitial * factor, retryMaximum)
        }
        return base * (1 + jitter * random)
    }
}
