// Grandstream driver (GXP16xx/17xx/21xx, GRP26xx, DP7xx): CTI API `GET /cgi-bin/api-*?passcode=…` for
// control and state, action URLs for events.
//
// Confirmed (reference §6): `api-make_call?phonenumber=`, `api-phone_operation?cmd=acceptcall|endcall|holdcall|
// rejectcall|cancel`, `api-get_line_status` (JSON per line), `{"response":…,"body":…}` answers, the action-URL
// variables `$remote`, `$display_remote`, `$local`, `$active_user`, P-values P8304 (setup) and P8310 (incoming).
//
// UNCONFIRMED, and how each is configurable:
// - Resume/unhold: no documented operation. Off by default (not declared); `options.resume: "cmd:unhold"`
//   sends `api-phone_operation?cmd=unhold`, `options.resume: "key:HOLD"` sends `api-send_key?keys=HOLD`.
// - Transfer: no documented operation. Off by default; `options.transferKeys: "TRANSFER,{number},SEND"` sends
//   the keys colon-separated in one `api-send_key` (digits by value, `*` as STAR, `#` as POUND).
// - DND: no documented operation. Off by default; `options.dndKey: MPK3` presses a key the installer set to
//   DND; it is a toggle, pressed only when the state learned from the DND On/Off callbacks differs.
// - `password=` instead of `passcode=` (seen in code): `options.passcodeParameter: password`.
// - `api-make_call` account index (`account=`, seen in code): `options.account`.
// - Line `state` values beyond `idle`: `dialing`, `ringing`, `connected`, `onhold` (code) and the GXP2200 names.
// - Action-URL P-values other than P8304/P8310: printed as web UI field names to fill in by hand.
// - Whether `passcode=` still works on the newest firmware (session login): a non-JSON answer is reported as a
//   refusal that says so.
// - Forwarding: never declared. Call ids: none from the phone; synthesised as `gs-<line>-<start ms>`.

import CallModel
import Foundation

/// Drives a Grandstream deskphone through its CTI API and turns its action-URL callbacks into `PhoneEvent`s.
public struct GrandstreamDriver: PhoneDriver {
    /// The registry entry for `driver: grandstream`; phone requests go through the context's shared HTTP client.
    public static let descriptor = PhoneDriverDescriptor(
        name: "grandstream", requiresURL: true,
        validate: { (configuration: PhoneConfiguration) throws(DriverOptionError) in
            _ = try GrandstreamOptions(model: configuration.model, options: configuration.options)
            if (configuration.password ?? "").isEmpty {
                throw DriverOptionError(
                    keyPath: "password", message: "a Grandstream phone needs its CTI passcode (admin or user password)")
            }
        },
        make: { configuration, context in
            try GrandstreamDriver(configuration: configuration, context: context)
        },
        provisioning: { configuration, provisioning in
            GrandstreamProvisioning.text(configuration, provisioning)
        })

    public let capabilities: Set<PhoneCapability>
    private let phoneID: String
    private let options: GrandstreamOptions
    private let client: GrandstreamClient
    private let context: PhoneDriverContext
    private let tracker: GrandstreamCallTracker

    /// Creates a driver for one phone; does no I/O.
    public init(configuration: PhoneConfiguration, context: PhoneDriverContext) throws(DriverOptionError) {
        options = try GrandstreamOptions(model: configuration.model, options: configuration.options)
        client = try GrandstreamClient(
            configuration: configuration, passcodeParameter: options.passcodeParameter, http: context.http)
        capabilities = options.capabilities
        phoneID = configuration.id
        self.context = context
        tracker = GrandstreamCallTracker(now: context.now)
    }

    /// Sends one command as its CTI request.
    public func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        let target: GrandstreamCallTracker.Call?
        switch command {
        case .answer(let call), .hangup(let call), .hold(let call), .resume(let call), .transfer(_, let call):
            target = await tracker.target(call)
            if let call, target == nil { throw .noCall("Grandstream phone \(phoneID) has no call \(call)") }
        case .dial, .setDoNotDisturb, .setForwarding:
            target = nil
        }
        let request: GrandstreamRequest
        switch command {
        case .dial(let destination):
            request = .makeCall(number: destination.value, account: options.account)
        case .answer:
            request = .phoneOperation("acceptcall")
        case .hangup:
            request = .phoneOperation(Self.hangupOperation(for: target))
        case .hold:
            request = .phoneOperation("holdcall")
        case .resume:
            switch options.resume {
            case .off: throw .notSupported("resume is not configured for Grandstream phone \(phoneID) (options.resume)")
            case .phoneOperation(let operation): request = .phoneOperation(operation)
            case .key(let key): request = .sendKeys([key])
            }
        case .transfer(let destination, _):
            guard let keys = options.transferKeys else {
                throw .notSupported("transfer is not configured for Grandstream phone \(phoneID) (options.transferKeys)")
            }
            let digits = try GrandstreamRequest.keypadKeys(destination)
            request = .sendKeys(keys.flatMap { $0 == "{number}" ? digits : [$0] })
        case .setDoNotDisturb(let on):
            guard let key = options.dndKey else {
                throw .notSupported("DND is not configured for Grandstream phone \(phoneID) (options.dndKey)")
            }
            if await tracker.doNotDisturb == on { return PhoneCommandOutcome() }
            request = .sendKeys([key])
        case .setForwarding:
            throw .notSupported("the Grandstream driver cannot set call forwarding")
        }
        _ = try await client.send(request, purpose: command.capability.rawValue)
        if case .setDoNotDisturb(let on) = command { await tracker.setDoNotDisturb(on) }
        return PhoneCommandOutcome(callID: target?.id)
    }

    /// Parses one action-URL callback and emits what it means.
    public func receive(_ request: PhoneEventRequest) async -> PhoneEventIngressResult {
        guard let row = GrandstreamEvents.row(named: request.subpath) else { return .unknownRoute }
        let callback: GrandstreamEvents.Callback
        switch GrandstreamEvents.parse(request, row: row) {
        case .success(let parsed): callback = parsed
        case .failure(let error): return .malformed(reason: error.reason)
        }
        for kind in await tracker.apply(callback) {
            context.events.emit(PhoneEvent(phoneID: phoneID, at: context.now(), kind: kind))
        }
        return .accepted(body: "OK")
    }

    /// Asks `api-get_line_status`: proves the phone is there and accepts the passcode.
    public func probe() async -> PhoneHealth {
        do {
            _ = try await client.send(.lineStatus, purpose: "probe")
            return .reachable
        } catch {
            return PhoneHealth(probeFailure: error)
        }
    }

    /// The calls `api-get_line_status` reports, with the ids the callbacks gave them.
    public func listCalls() async throws(PhoneCommandError) -> [PhoneCallSnapshot]? {
        let answer = try await client.send(.lineStatus, purpose: "line status")
        guard case .lines(let lines) = answer.body else {
            throw .rejected("Grandstream phone \(phoneID) answered api-get_line_status without a line list")
        }
        return await tracker.reconcile(lines)
    }

    /// `rejectcall` refuses a ringing inbound call, `cancel` stops an outbound call still dialling, `endcall`
    /// ends a connected one (reference §6.1).
    private static func hangupOperation(for call: GrandstreamCallTracker.Call?) -> String {
        switch (call?.direction, call?.state) {
        case (.inbound, .alerting): "rejectcall"
        case (.outbound, .initiated): "cancel"
        default: "endcall"
        }
    }
}
