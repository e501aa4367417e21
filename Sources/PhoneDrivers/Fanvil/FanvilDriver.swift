import CallModel
import Foundation

// Fanvil driver (X/V/i series): control through the Active URI, events through Action URLs.
//
// Evidence for Fanvil is thin (one OEM manual and one provisioning template), so every vendor detail below is
// UNCONFIRMED unless marked, and each is a phone `options:` knob:
// - Active URI `GET /cgi-bin/ConfigManApp.com?key=<KEY>[;<KEY>…]` with the web login as Basic (DOC, OEM):
//   `path`, `auth: basic | digest | any`.
// - Dial by keys `SPEAKER;<digits>;ENTER` (DOC example `SPEAKER;8311;ENTER`), `#` → `POUND`: `dialKeys`
//   (one `{number}`). `+` and SIP URIs cannot be typed and are refused as notSupported.
// - Answer `OK`, hang up `RELEASE`, hold `F_HOLD` (DOC, OEM); resume by pressing `F_HOLD` again (toggle):
//   `answerKey`, `hangupKey`, `holdKey`, `resumeKey`.
// - Blind transfer `F_TRANSFER;<digits>;F_TRANSFER`: `transferKeys`, `transfer: false` removes the capability.
// - No DND or forwarding key is known (`F_CFWD` only opens a menu), so neither is offered.
// - Requests cannot target a call: keys act on the call in the foreground; the call id in a command is ignored.
// - Probe: `key=` with no key (200 without effect).
// - Action URL event names and variables (assumed Yealink-like): `callIdVariable` (empty = the firmware has
//   none; ids are then synthesised as `fanvil-<line>-<start ms>`), `remoteVariable`, `displayRemoteVariable`,
//   `lineVariable`. Only `<cti><DNDOnUrl>`/`<DNDOffUrl>` and `<web><RemoteControl>` are confirmed XML tags
//   (CODE); the other events are printed as web UI instructions.

/// Drives a Fanvil deskphone through its Active URI and turns its Action URL callbacks into events.
public struct FanvilDriver: PhoneDriver {
    /// The registry entry for `driver: fanvil`.
    public static let descriptor = PhoneDriverDescriptor(
        name: "fanvil", requiresURL: true,
        validate: { (configuration: PhoneConfiguration) throws(DriverOptionError) in
            _ = try FanvilOptions(configuration.options)
        },
        make: { configuration, context in
            try FanvilDriver(configuration: configuration, context: context)
        },
        provisioning: { configuration, provisioning in
            FanvilProvisioning.text(configuration: configuration, provisioning: provisioning)
        })

    public let capabilities: Set<PhoneCapability>
    /// The phone's options.
    public let options: FanvilOptions

    private let endpoint: PhoneEndpoint
    private let authentication: HTTPAuthentication
    private let transport: any PhoneHTTPTransport
    private let context: PhoneDriverContext
    private let tracker = FanvilCallTracker()

    /// Creates the driver; `transport` defaults to the process-wide HTTP client. No I/O happens here.
    public init(
        configuration: PhoneConfiguration, context: PhoneDriverContext, transport: (any PhoneHTTPTransport)? = nil
    ) throws {
        options = try FanvilOptions(configuration.options)
        endpoint = try PhoneEndpoint(configuration, urlHint: "a Fanvil phone needs url: http(s)://<phone address>")
        var capabilities: Set<PhoneCapability> = [.dial, .answer, .hangup, .hold, .resume]
        if options.transfer { capabilities.insert(.transfer) }
        self.capabilities = capabilities
        authentication = options.authentication.credentials(user: configuration.username, password: configuration.password)
        self.transport = transport ?? context.http
        self.context = context
    }

    public func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        let action: FanvilAction
        let target: PhoneCallID?
        switch command {
        case .dial(let destination):
            action = .dial(destination)
            target = nil
        case .answer:
            action = .answer
            target = await tracker.newest(in: [.alerting])
        case .hangup:
            action = .hangup
            target = await tracker.newest(in: [.connected, .held, .initiated, .alerting])
        case .hold:
            action = .hold
            target = await tracker.newest(in: [.connected])
        case .resume:
            action = .resume
            target = await tracker.newest(in: [.held])
        case .transfer(let destination, _):
            action = .blindTransfer(destination)
            target = await tracker.newest(in: [.connected, .held])
        case .setDoNotDisturb:
            throw .notSupported("no Fanvil Active URI key for do-not-disturb is known")
        case .setForwarding:
            throw .notSupported("no Fanvil Active URI key for call forwarding is known")
        }
        try await send(action, name: command.capability.rawValue)
        return PhoneCommandOutcome(callID: target)
    }

    public func receive(_ request: PhoneEventRequest) async -> PhoneEventIngressResult {
        switch FanvilEvents.parse(request) {
        case .unknown:
            return .unknownRoute
        case .malformed(let reason):
            return .malformed(reason: reason)
        case .event(let name, let meaning, let call, let line, let remote):
            let now = context.now()
            let kind: PhoneEvent.Kind
            switch meaning {
            case .device(let deviceKind):
                kind = deviceKind
            case .callStart(let inbound):
                let id = await tracker.start(call, line: line, at: now, inbound: inbound)
                kind = inbound ? .delivered(call: id, remote: remote, dialled: nil) : .serviceInitiated(call: id, remote: remote)
            case .call(let build):
                guard let id = await tracker.resolve(call) else {
                    return .malformed(reason: "\(name) without call_id and no call in progress")
                }
                kind = build(id, remote)
            }
            await tracker.apply(kind)
            context.events.emit(PhoneEvent(phoneID: endpoint.phoneID, at: now, kind: kind))
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

    /// Sends one request and maps its answer; never retried.
    private func send(_ action: FanvilAction, name: String) async throws(PhoneCommandError) {
        let query = try FanvilRequests.query(for: action, options: options)
        let request = endpoint.request(options.path + "?" + query, authentication: authentication, maxResponseBytes: 64 * 1024)
        let response: HTTPResponse
        do {
            response = try await transport.execute(request)
        } catch {
            let failure = YealinkResponses.failure(error, phoneID: endpoint.phoneID)
            context.logger.debug("fanvil request failed", metadata: ["phone.request": "\(name)", "error": "\(failure)"])
            throw failure
        }
        if let failure = FanvilResponses.failure(status: response.status, phoneID: endpoint.phoneID) {
            context.logger.debug("fanvil request refused", metadata: ["phone.request": "\(name)", "error": "\(failure)"])
            throw failure
        }
    }
}
