import CallModel
import Foundation

/// Poly / Polycom UC Software phones (VVX, Trio, CCX, SoundPoint IP): REST or Push control, XML notifications.
///
/// Control goes through one of two APIs, chosen by `options.api` (`rest` | `push`) or else by `model:`
/// (SoundPoint IP / SoundStation IP / `IP…` models → push, everything else → rest):
///
/// | API | auth | capabilities |
/// | --- | --- | --- |
/// | REST (UCS 5.9+) | HTTP Basic, user `Polycom` (or `username:`), the phone's admin password | dial, answer, hangup, hold, resume — targeted by call handle |
/// | Push | HTTP Digest, `apps.push.username` / `apps.push.password` | dial; answer / hangup only with `pushAnswerKey` / `pushHangupKey` |
///
/// Neither API has blind transfer, DND or forwarding requests, so those are `notSupported`.
/// Events: the phone POSTs Telephony Event Notification XML to `<eventBaseURL>/telephony?token=…`;
/// `CallStateChangeEvent` (`CallReference`, `CallState`) drives the calls, keeping `CallReference` as the call id.
/// `listCalls()` reads REST callStatus (`options.callStatusVersion` v1 | v2); push mode cannot list calls.
///
/// UNCONFIRMED, and how it is configurable:
/// - That notification `CallReference` equals the REST `CallHandle` (both are the phone's call handle in the
///   sources); commands target the id events carry. Without an id, commands look the call up in callStatus.
/// - `apps.telNotification.*` names come from provisioning files, not the official table; the notification
///   Content-Type is not documented, so any is accepted.
/// - callStatus with no call: v1 may answer `Status 4007` or an empty `data`; both mean "no calls".
/// - `answerCall` is sent with `{"data":{"Ref":…}}` (one tool posts no body).
/// - Whether `tel:\\<number>` pushes dial at once on every firmware; push answer / hang-up keys depend on the
///   phone's soft-key layout, hence opt-in (`pushAnswerKey: Key:Softkey1`, `pushHangupKey: Key:Softkey2`).
/// - The push probe is `GET /push`: a phone with the wrong push credentials answers 401, any other answer
///   counts as reachable.
/// - After a REST dial the new call's handle is looked up in callStatus (`dialHandleWaitSeconds`, default 1,
///   0 = off) by matching `RemotePartyNumber`; the dial itself is never repeated.
public struct PolyDriver: PhoneDriver {
    /// The registry entry for `driver: poly`, sending requests through the bridge's shared HTTP client.
    public static let descriptor = descriptor(transport: nil)

    /// The registry entry for `driver: poly`, sending requests through `transport`.
    public static func descriptor(transport: (any PhoneHTTPTransport)?) -> PhoneDriverDescriptor {
        PhoneDriverDescriptor(
            name: "poly", requiresURL: true,
            validate: { (configuration: PhoneConfiguration) throws(DriverOptionError) in
                _ = try PolySettings(configuration)
            },
            make: { configuration, context in
                try PolyDriver(configuration: configuration, context: context, transport: transport ?? context.http)
            },
            provisioning: { configuration, provisioning in
                let options =
                    (try? PolyOptions(model: configuration.model, options: configuration.options))
                    ?? (try! PolyOptions(model: nil, options: DriverOptions()))
                return PolyProvisioning.text(configuration: configuration, options: options, provisioning: provisioning)
            })
    }

    public let capabilities: Set<PhoneCapability>
    private let settings: PolySettings
    private let context: PhoneDriverContext
    private let transport: any PhoneHTTPTransport
    private let tracker = PolyCallTracker()
    private let parser = SafeXMLParser(limits: PolyDriver.notificationLimits)

    /// Notifications are a few hundred bytes; anything near these bounds is not from a phone.
    static let notificationLimits = XMLParsingLimits(maxBytes: 64 * 1024, maxDepth: 16, maxElements: 512)

    /// Creates the driver for one phone; does no I/O.
    public init(configuration: PhoneConfiguration, context: PhoneDriverContext, transport: any PhoneHTTPTransport) throws {
        settings = try PolySettings(configuration)
        self.context = context
        self.transport = transport
        switch settings.options.api {
        case .rest:
            capabilities = [.dial, .answer, .hangup, .hold, .resume]
        case .push:
            var capabilities: Set<PhoneCapability> = [.dial]
            if settings.options.pushAnswerKey != nil { capabilities.insert(.answer) }
            if settings.options.pushHangupKey != nil { capabilities.insert(.hangup) }
            self.capabilities = capabilities
        }
    }

    public func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        switch settings.options.api {
        case .rest: try await performREST(command)
        case .push: try await performPush(command)
        }
    }

    public func receive(_ request: PhoneEventRequest) async -> PhoneEventIngressResult {
        guard request.subpath == PolyProvisioning.notificationSubpath else { return .unknownRoute }
        guard request.method == "POST" else { return .malformed(reason: "Poly notifications are POSTed") }
        let notifications: [PolyNotification]
        do {
            notifications = try PolyEvents.notifications(in: try parser.parse(request.body))
        } catch let error as XMLParseError {
            return .malformed(reason: "not a Poly telephony notification: \(error)")
        } catch let error as PolyEvents.Invalid {
            return .malformed(reason: error.reason)
        } catch {
            return .malformed(reason: "not a Poly telephony notification")
        }
        for case .call(let report) in notifications {
            for kind in await tracker.apply(report) {
                context.events.emit(PhoneEvent(phoneID: settings.phoneID, at: context.now(), kind: kind))
            }
        }
        return .accepted(body: "")
    }

    public func probe() async -> PhoneHealth {
        let rest = PolyREST(settings: settings, transport: transport)
        switch settings.options.api {
        case .rest: return await rest.probe()
        case .push: return await PolyPush(settings: settings, transport: transport).probe()
        }
    }

    public func listCalls() async throws(PhoneCommandError) -> [PhoneCallSnapshot]? {
        guard settings.options.api == .rest else { return nil }
        return try await PolyREST(settings: settings, transport: transport).callStatus()
    }

    // MARK: REST

    private func performREST(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        let rest = PolyREST(settings: settings, transport: transport)
        switch command {
        case .dial(let destination):
            let before = Set(((try? await rest.callStatus()) ?? []).map(\.call))
            try await rest.send(PolyRequests.dial(destination, line: settings.options.line), action: "dial")
            return PhoneCommandOutcome(callID: await newCallHandle(to: destination, excluding: before, rest: rest))
        case .answer(let call):
            return try await act(.answer, call: call, rest: rest)
        case .hangup(let call):
            return try await act(.end, call: call, rest: rest)
        case .hold(let call):
            return try await act(.hold, call: call, rest: rest)
        case .resume(let call):
            return try await act(.resume, call: call, rest: rest)
        case .transfer, .setDoNotDisturb, .setForwarding:
            throw .notSupported("the Poly REST API has no \(command.capability.rawValue) request")
        }
    }

    private func act(_ action: PolyCallAction, call: PhoneCallID?, rest: PolyREST) async throws(PhoneCommandError)
        -> PhoneCommandOutcome
    {
        let handle: PhoneCallID
        if let call {
            handle = call
        } else {
            let calls = try await rest.callStatus()
            guard let found = Self.pick(from: calls, in: action.applicableStates) else {
                throw .noCall("no call to \(action.verb) on phone \(settings.phoneID)")
            }
            handle = found
        }
        try await rest.send(PolyRequests.callAction(action, handle: handle), action: action.verb)
        return PhoneCommandOutcome(callID: handle)
    }

    /// The newest call in the first of `states` that has one.
    static func pick(from calls: [PhoneCallSnapshot], in states: [ConnectionState]) -> PhoneCallID? {
        for state in states {
            if let call = calls.last(where: { $0.state == state }) { return call.call }
        }
        return nil
    }

    /// Dial returns no handle: look for a new outbound call to the dialled number for a short while.
    private func newCallHandle(to destination: DialString, excluding before: Set<PhoneCallID>, rest: PolyREST) async
        -> PhoneCallID?
    {
        let wait = settings.options.dialHandleWait
        guard wait > .zero else { return nil }
        let wanted = CallParty(address: destination.value).userPart
        let step = Duration.milliseconds(100)
        var waited = Duration.zero
        while true {
            guard let calls = try? await rest.callStatus() else { return nil }
            let match = calls.last { call in
                !before.contains(call.call) && call.direction != .inbound && call.remote?.userPart == wanted
            }
            if let match { return match.call }
            guard waited < wait else { return nil }
            do { try await context.clock.sleep(for: step) } catch { return nil }
            waited += step
        }
    }

    // MARK: Push

    private func performPush(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        let push = PolyPush(settings: settings, transport: transport)
        switch command {
        case .dial(let destination):
            try await push.push(uri: PolyRequests.pushDialURI(destination), action: "dial")
        case .answer:
            guard let key = settings.options.pushAnswerKey else { throw .notSupported("push mode has no answer key configured") }
            try await push.push(uri: key, action: "answer")
        case .hangup:
            guard let key = settings.options.pushHangupKey else { throw .notSupported("push mode has no hang-up key configured") }
            try await push.push(uri: key, action: "hang up")
        case .hold, .resume, .transfer, .setDoNotDisturb, .setForwarding:
            throw .notSupported("the Poly Push API cannot \(command.capability.rawValue)")
        }
        // Push gives no feedback and no call handle; the notifications will report the call.
        return PhoneCommandOutcome()
    }
}

/// Everything a Poly driver reads from its phone entry, checked once.
struct PolySettings: Sendable {
    var endpoint: PhoneEndpoint
    var username: String
    var password: String
    var options: PolyOptions

    var phoneID: String { endpoint.phoneID }

    init(_ configuration: PhoneConfiguration) throws(DriverOptionError) {
        options = try PolyOptions(model: configuration.model, options: configuration.options)
        endpoint = try PhoneEndpoint(configuration, urlHint: "expected the phone's http:// or https:// address")
        guard let password = configuration.password, !password.isEmpty else {
            throw DriverOptionError(
                keyPath: "password",
                message: options.api == .rest
                    ? "the REST API needs the phone's admin password (user Polycom)"
                    : "the Push API needs the apps.push.password of the phone")
        }
        switch options.api {
        case .rest:
            username = configuration.username ?? "Polycom"
        case .push:
            guard let user = configuration.username, !user.isEmpty else {
                throw DriverOptionError(keyPath: "username", message: "the Push API needs the apps.push.username of the phone")
            }
            username = user
        }
        self.password = password
    }

    /// A request to `path` on this phone with its TLS settings and timeouts.
    func request(
        _ path: String, method: HTTPMethod, body: [UInt8]? = nil, contentType: String? = nil,
        authentication: HTTPAuthentication
    ) -> HTTPRequest {
        endpoint.request(
            path, method: method, body: body, contentType: contentType, authentication: authentication,
            maxResponseBytes: 256 * 1024)
    }
}
