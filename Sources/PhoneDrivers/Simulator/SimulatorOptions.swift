/// How a simulated phone behaves, from the phone's `options:` in `drivers.yaml`.
public struct SimulatorOptions: Sendable, Equatable {
    /// How long the far end of an outbound call rings before it answers.
    public var farEndAnswerAfter: Duration
    /// How long an inbound call rings before the caller gives up (it then ends as missed).
    public var ringTimeout: Duration
    /// If set, the simulated agent picks up inbound calls after this long (handy for a demo on its own).
    public var autoAnswerAfter: Duration?
    /// If set, connected calls are ended by the far end after this long.
    public var farEndHangupAfter: Duration?
    /// Inbound calls that arrive on a schedule.
    public var scheduledCalls: [ScheduledCall]

    /// An inbound call that arrives every `every`, first after `startAfter`.
    public struct ScheduledCall: Sendable, Equatable {
        public var from: String
        public var name: String?
        /// The number the caller dialled (a queue number makes it a queue call).
        public var dialled: String?
        public var every: Duration
        public var startAfter: Duration
    }

    public init(
        farEndAnswerAfter: Duration = .seconds(2), ringTimeout: Duration = .seconds(30),
        autoAnswerAfter: Duration? = nil, farEndHangupAfter: Duration? = nil, scheduledCalls: [ScheduledCall] = []
    ) {
        self.farEndAnswerAfter = farEndAnswerAfter
        self.ringTimeout = ringTimeout
        self.autoAnswerAfter = autoAnswerAfter
        self.farEndHangupAfter = farEndHangupAfter
        self.scheduledCalls = scheduledCalls
    }

    /// Reads and checks the options; unknown keys are errors.
    public init(_ options: DriverOptions) throws(DriverOptionError) {
        try options.allowOnly([
            "farEndAnswerSeconds", "ringTimeoutSeconds", "autoAnswerSeconds", "farEndHangupSeconds", "incoming",
        ])
        farEndAnswerAfter = try options.seconds("farEndAnswerSeconds", default: 2, in: 0...600)
        ringTimeout = try options.seconds("ringTimeoutSeconds", default: 30, in: 0.01...3600)
        autoAnswerAfter =
            options.values["autoAnswerSeconds"] == nil
            ? nil : try options.seconds("autoAnswerSeconds", default: 0, in: 0...3600)
        farEndHangupAfter =
            options.values["farEndHangupSeconds"] == nil
            ? nil : try options.seconds("farEndHangupSeconds", default: 0, in: 0.01...86400)
        scheduledCalls = try options.list("incoming") { (entry: DriverOptions) throws(DriverOptionError) in
            try entry.allowOnly(["from", "name", "dialled", "everySeconds", "startAfterSeconds"])
            guard let from = try entry.string("from") else {
                throw DriverOptionError(keyPath: "from", message: "missing: the caller's number")
            }
            return ScheduledCall(
                from: from, name: try entry.string("name"), dialled: try entry.string("dialled"),
                every: try entry.seconds("everySeconds", default: 60, in: 0.05...86400),
                startAfter: try entry.seconds("startAfterSeconds", default: 5, in: 0...86400))
        }
    }
}
