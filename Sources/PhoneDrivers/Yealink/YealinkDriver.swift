import CallModel
import Foundation

// Yealink driver (SIP-T2x/T3x/T4x/T5x, CP): control through the Action URI, events through Action URLs.
//
// Control: `GET <url><path>?key=<KEY>` with the web login (Basic by default). Targeted keys use the phone's
// `$call_id` from the events: `ASW:<id>`, `CANCEL:<id>`, `HOLD:<id>`, `UNHOLD:<id>`; without a known id the
// driver falls back to `OK`, `CALLEND`, `F_HOLD`. See `YealinkRequests` for the full table.
// Events: one action URL per event, `<eventBaseURL>/<event>?token=…&call_id=$call_id&remote=$remote&…`;
// see `YealinkEvents` for the event → normalised event table.
//
// UNCONFIRMED vendor details and the knob for each (phone `options:` unless said otherwise):
// - Digest authentication on newer firmware: `auth: basic | digest | any` (default basic, as documented).
// - Legacy Action URI paths for old firmware: `path: /servlet | /cgi-bin/ConfigManApp.com | /cgi-bin/cgiServer.exx`.
// - Dial form: `dialForm: key` (`key=number=<n>`, documented) or `number` (`number=<n>`, third-party code);
//   `outgoingURI` chooses the account (`outgoing_uri`), else the phone's default account dials.
// - SIP-URI dialling sends `user@host` as the number.
// - DND keys `DNDOn`/`DNDOff` are seen in third-party code only: `dnd: false` removes the capability,
//   `dndOnKey`/`dndOffKey` rename the keys.
// - Blind transfer key sequence `F_TRANSFER;<digits>;F_TRANSFER` with `*` → `STAR`, `#` → `POUND`:
//   `transferKeys` (one `{digits}` placeholder), `transfer: false` removes the capability. Never offered on
//   models without key chaining (T48G/S/U, T57W); `+` and SIP URIs cannot be typed and are refused.
// - Answer without a call id uses `OK`; models without an OK key (T57W, CP925, CP935W) need the id from an
//   `incoming_call` event, else the command fails with noCall.
// - The HTTP status that comes with "Remote control forbidden" is undocumented: the text is recognised in any
//   response and reported as phoneRejected with the fix.
// - `$call_id` is phone-internal (not the SIP Call-ID); values are assumed not percent-encoded by the phone, so
//   the parser reads the fields it knows and ignores fragments of unencoded display names.
// - `call_remote_canceled` is read as "the caller gave up" (missed); `transfer_finished` carries no target
//   unless the bridge ordered the transfer.
// - `$calledNumber` (the dialled number on incoming calls) is not in Yealink's variable table:
//   `dialledVariable: $calledNumber` asks the phone for it.
// - No forwarding command exists in the Action URI key table, so `forward` is not offered.

/// Drives a Yealink deskphone through its Action URI and turns its Action URL callbacks into events.
public struct YealinkDriver: PhoneDriver {
    /// The registry entry for `driver: yealink`.
    public static let descriptor = PhoneDriverDescriptor(
        name: "yealink", requiresURL: true,
        validate: { (configuration: PhoneConfiguration) throws(DriverOptionError) in
            _ = try YealinkOptions(configuration.options)
        },
        make: { configuration, context in
            try YealinkDriver(configuration: configuration, context: context)
        },
        provisioning: { configuration, provisioning in
            YealinkProvisioning.text(configuration: configuration, provisioning: provisioning)
        })

    public let capabilities: Set<PhoneCapability>
    /// The model's Action URI traits.
    public let traits: YealinkModelTraits
    /// The phone's options.
    public let options: YealinkOptions

    private let endpoint: PhoneEndpoint
    private let authentication: HTTPAuthentication
    private let transport: any PhoneHTTPTransport
    private let context: PhoneDriverContext
    private let tracker = YealinkCallTracker()

    /// Creates the driver; `transport` defaults to the process-wide HTTP client. No I/O happens here.
    public init(
        configuration: PhoneConfiguration, context: PhoneDriverContext, transport: (any PhoneHTTPTransport)? = nil
    ) throws {
        options = try YealinkOptions(configuration.options)
        endpoint = try PhoneEndpoint(configuration, urlHint: "a Yealink phone needs url: http(s)://<phone address>")
        traits = YealinkModelTraits(model: configuration.model)
        var capabilities: Set<PhoneCapability> = [.dial, .answer, .hangup, .hold, .resume]
        if options.doNotDisturb { capabilities.insert(.dnd) }
        if options.transfer, traits.supportsKeyChaining { capabilities.insert(.transfer) }
        self.capabilities = capabilities
        authentication = options.authentication.credentials(user: configuration.username, password: configuration.password)
        self.transport = transport ?? context.http
        self.context = context
    }

    public func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        let action: YealinkAction
        var target: PhoneCallID?
        switch command {
        case .dial(let destination):
            action = .dial(destination)
        case .answer(let call):
            target = await chosen(call, else: [.alerting])
            if target == nil, !traits.hasOKKey {
                throw .noCall(
                    "no ringing call known on phone \(endpoint.phoneID); this model has no OK key, so answering needs "
                        + "the call id from its incoming_call action URL")
            }
            action = .answer(target)
        case .hangup(let call):
            target = await chosen(call, else: [.connected, .held, .initiated, .alerting])
            action = .hangup(target)
        case .hold(let call):
            target = await chosen(call, else: [.connected])
            action = .hold(target)
        case .resume(let call):
            guard let resumed = await chosen(call, else: [.held]) else {
                throw .noCall("no held call known on phone \(endpoint.phoneID); resuming needs the call id from its hold event")
            }
            target = resumed
            action = .resume(resumed)
        case .transfer(let destination, let call):
            guard capabilities.contains(.transfer) else {
                throw .notSupported("this Yealink model cannot chain keys, so it cannot transfer by key sequence")
            }
            // The key sequence acts on the call in the foreground; the id only labels the result.
            target = await chosen(call, else: [.connected, .held])
            action = .blindTransfer(destination)
        case .setDoNotDisturb(let on):
            action = .doNotDisturb(on)
        case .setForwarding:
            throw .notSupported("the Yealink Action URI has no call forwarding key")
        }
        // Noted before sending: the phone may report transfer_finished before it answers the request.
        if case .transfer(let destination, _) = command, let target {
            await tracker.noteTransfer(of: target, to: destination.value)
        }
        try await send(action, name: "\(command.capability.rawValue)")
        return PhoneCommandOutcome(callID: target)
    }

    public func receive(_ request: PhoneEventRequest) async -> PhoneEventIngressResult {
        switch YealinkEvents.parse(request) {
        case .unknown:
            return .unknownRoute
        case .malformed(let reason):
            return .malformed(reason: reason)
        case .ignored:
            return .accepted(body: "OK")
        case .event(let kind):
            let tracked = await tracker.apply(kind)
            context.events.emit(PhoneEvent(phoneID: endpoint.phoneID, at: context.now(), kind: tracked))
            return .accepted(body: "OK")
        }
    }

    public func probe() async -> PhoneHealth {
        do throws(PhoneCommandError) {
            try await send(.probe, name: "probe")
            return .reachable
        } catch .rejected(let message) {
            return .rejected(code: "rejected", message: message)
        } catch {
            return .unreachable(code: "unreachable", message: error.message)
        }
    }

    /// `call` when the bridge named one, else the newest tracked call in the first of `states` that has one.
    private func chosen(_ call: PhoneCallID?, else states: [ConnectionState]) async -> PhoneCallID? {
        if let call { return call }
        return await tracker.newest(in: states)
    }

    /// Sends one request and maps its answer; never retried (a repeated key press is a second press).
    private func send(_ action: YealinkAction, name: String) async throws(PhoneCommandError) {
        let query = try YealinkRequests.query(for: action, options: options)
        let request = endpoint.request(options.path + "?" + query, authentication: authentication, maxResponseBytes: 64 * 1024)
        let response: HTTPResponse
        do {
            response = try await transport.execute(request)
        } catch {
            let failure = YealinkResponses.failure(error, phoneID: endpoint.phoneID)
            context.logger.debug("yealink request failed", metadata: ["phone.request": "\(name)", "error": "\(failure)"])
            throw failure
        }
        if let failure = YealinkResponses.failure(status: response.status, body: response.text, phoneID: endpoint.phoneID) {
            context.logger.debug("yealink request refused", metadata: ["phone.request": "\(name)", "error": "\(failure)"])
            throw failure
        }
    }
}
