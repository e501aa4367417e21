import CallModel
import Foundation

/// A phone simulated inside the bridge: the embedded default, and the driver tests and demos run on.
///
/// It declares every capability, answers commands like a phone that obeys them, and can be driven from
/// outside through its event route (`/phones/{id}/events/<action>`), as a vendor's phone would call in:
///
/// | subpath | query | effect |
/// | --- | --- | --- |
/// | `ring` | `from`, `name?`, `to?`, `quiet?` | an inbound call rings (`to` is the number the caller dialled; `quiet=1` loses its callback) |
/// | `hangup` | `call?` | the far end hangs up (a ringing inbound call becomes missed) |
/// | `pickup` | `call?` | the agent lifts the handset: the ringing call connects |
/// | `power` | `state=on|off` | power loss drops calls silently; power on reports a reboot |
/// | `link` | `state=down|up` | the network to the phone fails (requests and probes fail, calls go on) or returns |
/// | `drop` | `call?` | the call ends on the phone without any event (a lost hangup callback) |
public struct SimulatorDriver: PhoneDriver {
    /// The registry entry for `driver: simulator`.
    public static let descriptor = PhoneDriverDescriptor(
        name: "simulator", requiresURL: false,
        validate: { (configuration: PhoneConfiguration) throws(DriverOptionError) in
            _ = try SimulatorOptions(configuration.options)
        },
        make: { configuration, context in
            try SimulatorDriver(configuration: configuration, context: context)
        },
        provisioning: { configuration, provisioning in
            """
            # \(configuration.id): a phone simulated inside the bridge; nothing to set on a device.
            # Drive it like a phone calling its action URLs:
            #   ring:   \(provisioning.eventBaseURL)/ring?token=\(provisioning.eventToken)&from=<number>&to=<dialled>
            #   hangup: \(provisioning.eventBaseURL)/hangup?token=\(provisioning.eventToken)&call=<callId>
            #   power:  \(provisioning.eventBaseURL)/power?token=\(provisioning.eventToken)&state=off|on
            """
        })

    public let capabilities: Set<PhoneCapability> = Set(PhoneCapability.allCases)
    private let phone: SimulatedPhone
    private let options: SimulatorOptions
    private let clock: any Clock<Duration>

    /// Creates a simulated phone from its configuration.
    public init(configuration: PhoneConfiguration, context: PhoneDriverContext) throws {
        options = try SimulatorOptions(configuration.options)
        phone = SimulatedPhone(phoneID: configuration.id, options: options, context: context)
        clock = context.clock
    }

    public func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        try await phone.perform(command)
    }

    public func receive(_ request: PhoneEventRequest) async -> PhoneEventIngressResult {
        switch request.subpath {
        case "ring":
            guard let from = request.queryValue("from"), !from.isEmpty, from.count <= 128 else {
                return .malformed(reason: "ring needs from=<number>")
            }
            let quiet = request.queryValue("quiet") == "1"
            switch await phone.ring(from: from, name: request.queryValue("name"), dialled: request.queryValue("to"), quiet: quiet) {
            case .success(let id):
                return .accepted(body: #"{"callId":"\#(id.rawValue)"}"#)
            case .failure(.doNotDisturb):
                return .accepted(body: #"{"callId":null,"refused":"dnd"}"#)
            case .failure(.poweredOff):
                return .accepted(body: #"{"callId":null,"refused":"poweredOff"}"#)
            }
        case "hangup":
            let found = await phone.farEndHangsUp(request.queryValue("call").map(PhoneCallID.init))
            return found ? .accepted(body: "OK") : .malformed(reason: "no such call")
        case "link":
            switch request.queryValue("state") {
            case "up": await phone.setLink(up: true)
            case "down": await phone.setLink(up: false)
            default: return .malformed(reason: "link needs state=up or state=down")
            }
            return .accepted(body: "OK")
        case "drop":
            let dropped = await phone.dropSilently(request.queryValue("call").map(PhoneCallID.init))
            return dropped ? .accepted(body: "OK") : .malformed(reason: "no such call")
        case "pickup":
            let picked = await phone.userPicksUp(request.queryValue("call").map(PhoneCallID.init))
            return picked ? .accepted(body: "OK") : .malformed(reason: "no ringing call")
        case "power":
            switch request.queryValue("state") {
            case "on": await phone.setPower(on: true)
            case "off": await phone.setPower(on: false)
            default: return .malformed(reason: "power needs state=on or state=off")
            }
            return .accepted(body: "OK")
        default:
            return .unknownRoute
        }
    }

    public func probe() async -> PhoneHealth {
        await phone.reachable
            ? .reachable : .unreachable(code: "unreachable", message: "the simulated phone is powered off or cut off")
    }

    /// Rings the scheduled inbound calls until cancelled.
    public func run() async throws {
        let phone = self.phone
        let clock = self.clock
        try await withThrowingTaskGroup(of: Void.self) { group in
            for scheduled in options.scheduledCalls {
                group.addTask {
                    try await clock.sleep(for: scheduled.startAfter)
                    while !Task.isCancelled {
                        _ = await phone.ring(from: scheduled.from, name: scheduled.name, dialled: scheduled.dialled)
                        try await clock.sleep(for: scheduled.every)
                    }
                }
            }
            group.addTask {
                while !Task.isCancelled { try await clock.sleep(for: .seconds(3600)) }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The calls the simulated phone has now (for tests and reconciliation).
    public func liveCalls() async -> [PhoneCallID: ConnectionState] {
        await phone.liveCalls
    }

    public func listCalls() async throws(PhoneCommandError) -> [PhoneCallSnapshot]? {
        guard await phone.reachable else { throw .unreachable("the simulated phone is powered off or cut off") }
        return await phone.snapshots
    }
}
