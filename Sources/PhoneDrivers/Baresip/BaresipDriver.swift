// baresip driver (`driver: baresip`) — verified against Debian's baresip-core 1.0.0.
//
// Control: baresip's httpd module, `GET <url>/raw/?<menu input>` (table in BaresipRequests.swift).
// Events: the bridge connects to baresip's ctrl_tcp module (option `ctrlTCP`) and reads netstring-framed JSON
// events (table in BaresipEvents.swift). Nothing is configured on baresip for callbacks; the event token is unused.
//
// What baresip 1.0.0 does and how the driver copes (all verified by running it):
// - Commands act on the *current* call. To target a call the driver selects it first: by id with
//   `/callfind <id>`, or by line with `@<n>` (`PhoneSession` serialises commands, so the pair is not interleaved).
// - A failed command gets no HTTP answer at all (unknown command, no call, a refused URI). The driver checks
//   `listcalls` before call commands so that "no call" and "wrong state" are reported as such; a command that
//   still times out is reported as invalidState when baresip answers a follow-up probe, else unreachable.
// - No CALL_OUTGOING (from 3.3), CALL_HOLD/CALL_RESUME (from 3.9): the driver derives serviceInitiated from the
//   first CALL_LOCAL_SDP offer (or the id it reads back with `callstat` after dialling), and held/retrieved from
//   its own successful hold/resume. Newer versions' events are mapped too; each event is emitted once.
// - No DND or call forwarding commands in 1.0.0 (v4.x has `dnd`, unverified here): not declared.
// - ctrl_tcp serves ONE client: a second client (another bridge, a test tool) silently replaces the bridge's
//   connection; the bridge reconnects with back-off and the two keep displacing each other.
// - httpd and ctrl_tcp have no authentication: bind both to an address only the bridge can reach. If a proxy
//   with authentication fronts httpd, `username`/`password` are sent to it (Basic or Digest, whichever it asks).
// - UNCONFIRMED (no version other than 1.0.0 was run): the CALL_OUTGOING/HOLD/RESUME/REDIRECT mappings (read in
//   the sources of 3.x/4.x) and the `listcalls`/`callstat` text formats of later versions.

import CallModel
import Foundation
import Logging

/// Drives a baresip softphone through its httpd (commands) and ctrl_tcp (events) modules.
public final class BaresipDriver: PhoneDriver {
    /// The registry entry for `driver: baresip`.
    public static let descriptor = PhoneDriverDescriptor(
        name: "baresip", requiresURL: true,
        validate: { (configuration: PhoneConfiguration) throws(DriverOptionError) in
            _ = try BaresipOptions(configuration.options, url: configuration.url)
        },
        make: { configuration, context in
            try BaresipDriver(configuration: configuration, context: context)
        },
        provisioning: { configuration, provisioning in
            BaresipProvisioning.text(for: configuration, provisioning: provisioning)
        })

    /// What baresip 1.0.0's menu can do: no DND, no forwarding.
    public static let supportedCapabilities: Set<PhoneCapability> = [
        .dial, .answer, .hangup, .hold, .resume, .transfer,
    ]

    public let capabilities: Set<PhoneCapability> = BaresipDriver.supportedCapabilities

    private let endpoint: PhoneEndpoint
    private let options: BaresipOptions
    private let authentication: HTTPAuthentication
    private let transport: any PhoneHTTPTransport
    private let tracker: BaresipCallTracker
    private let linkStatus = BaresipEventLinkStatusBox()
    private let clock: any Clock<Duration>
    private let probe: ProbeRequester
    private let logger: Logger

    /// Creates the driver; `transport` defaults to the bridge's shared client (`context.http`). Does no I/O.
    public init(
        configuration: PhoneConfiguration, context: PhoneDriverContext, transport: (any PhoneHTTPTransport)? = nil
    ) throws {
        endpoint = try PhoneEndpoint(configuration, urlHint: "baresip needs url: its httpd address, like http://127.0.0.1:8000")
        options = try BaresipOptions(configuration.options, url: endpoint.baseURL)
        if let user = configuration.username, let password = configuration.password {
            authentication = .any(user: user, password: password)
        } else {
            authentication = .none
        }
        self.transport = transport ?? context.http
        tracker = BaresipCallTracker(phoneID: configuration.id, sink: context.events, now: context.now)
        clock = context.clock
        probe = context.probe
        logger = context.logger
    }

    /// The state of the ctrl_tcp event connection.
    public var eventLinkStatus: BaresipEventLinkStatus { linkStatus.current }

    // MARK: Commands

    public func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        switch command {
        case .dial(let destination):
            return try await dial(destination)
        case .answer(let requested):
            let call = try await select(requested, action: "answer") { $0.state == "INCOMING" }
            _ = try await send(.answer)
            return PhoneCommandOutcome(callID: call.id.map(PhoneCallID.init))
        case .hangup(let requested):
            let call = try await select(requested, action: "hang up") { _ in true }
            _ = try await send(.hangup)
            return PhoneCommandOutcome(callID: call.id.map(PhoneCallID.init))
        case .hold(let requested):
            let call = try await select(requested, action: "hold") { $0.state == "ESTABLISHED" && !$0.onHold }
            _ = try await send(.hold)
            if let id = call.id { await tracker.holdChanged(id, held: true) }
            return PhoneCommandOutcome(callID: call.id.map(PhoneCallID.init))
        case .resume(let requested):
            let call = try await select(requested, action: "resume") { $0.state == "ESTABLISHED" && $0.onHold }
            _ = try await send(.resume)
            if let id = call.id { await tracker.holdChanged(id, held: false) }
            return PhoneCommandOutcome(callID: call.id.map(PhoneCallID.init))
        case .transfer(let destination, let requested):
            let call = try await select(requested, action: "transfer") { $0.state == "ESTABLISHED" }
            let uri = dialURI(destination)
            if let id = call.id { await tracker.transferRequested(id, target: uri) }
            _ = try await send(.transfer(uri: uri))
            return PhoneCommandOutcome(callID: call.id.map(PhoneCallID.init))
        case .setDoNotDisturb:
            throw .notSupported("baresip 1.0.0 has no do-not-disturb command")
        case .setForwarding:
            throw .notSupported("baresip 1.0.0 has no call forwarding command")
        }
    }

    /// The SIP URI baresip dials for `destination`: URIs as given, numbers at `dialDomain` or bare (baresip then
    /// completes them with its account's domain).
    func dialURI(_ destination: DialString) -> String {
        switch destination.kind {
        case .sipURI: destination.value
        case .number: options.dialDomain.map { "sip:\(destination.value)@\($0)" } ?? destination.value
        }
    }

    private func dial(_ destination: DialString) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        let uri = dialURI(destination)
        await tracker.expectDial(uri)
        do {
            _ = try await send(.dial(uri: uri))
        } catch {
            await tracker.dialFailed(uri)
            throw error
        }
        // The new call is baresip's current call: read its id back. The dial itself succeeded whatever happens here.
        guard let status = try? await send(.callStatus), let id = BaresipTextOutput.currentCallID(status),
            let peer = BaresipTextOutput.currentCallPeer(status), peer.outgoing,
            CallParty(address: peer.peerURI).userPart == CallParty(address: uri).userPart
        else {
            return PhoneCommandOutcome()
        }
        await tracker.dialled(id, remote: CallParty(address: peer.peerURI))
        return PhoneCommandOutcome(callID: PhoneCallID(id))
    }

    /// A call baresip's next key command will act on.
    private struct SelectedCall {
        var line: BaresipCallLine
        var id: String?
    }

    /// Makes the requested call (or the best call for `action`) baresip's current call.
    private func select(
        _ requested: PhoneCallID?, action: String, accepts: (BaresipCallLine) -> Bool
    ) async throws(PhoneCommandError) -> SelectedCall {
        let lines = BaresipTextOutput.callLines(try await send(.listCalls))
        guard !lines.isEmpty else { throw .noCall("baresip phone \(phoneID) has no call to \(action)") }
        if let requested {
            guard Self.isUsableCallID(requested.rawValue) else {
                throw .noCall("baresip phone \(phoneID) has no call \(requested)")
            }
            let found = try await send(.findCall(id: requested.rawValue))
            guard found.contains("setting current call") else {
                throw .noCall("baresip phone \(phoneID) has no call \(requested)")
            }
            let after = BaresipTextOutput.callLines(try await send(.listCalls))
            guard let current = after.first(where: \.isCurrent) else {
                throw .noCall("baresip phone \(phoneID) has no call \(requested)")
            }
            guard accepts(current) else {
                throw .invalidState("cannot \(action) call \(requested): it is \(Self.describe(current))")
            }
            return SelectedCall(line: current, id: requested.rawValue)
        }
        let chosen: BaresipCallLine
        if let current = lines.first(where: \.isCurrent), accepts(current) {
            chosen = current
        } else if let other = lines.last(where: accepts) {
            _ = try await send(.selectLine(other.line))
            chosen = other
        } else {
            throw .noCall("baresip phone \(phoneID) has no call to \(action)")
        }
        let id = (try? await send(.callStatus)).flatMap(BaresipTextOutput.currentCallID)
        return SelectedCall(line: chosen, id: id)
    }

    /// SIP Call-IDs are `word[@word]`: anything else cannot be one of baresip's calls and is never sent.
    static func isUsableCallID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 256 && id.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }

    private static func describe(_ line: BaresipCallLine) -> String {
        switch line.state {
        case "INCOMING": "ringing"
        case "OUTGOING", "RINGING", "EARLY": "ringing out"
        case "ESTABLISHED": line.onHold ? "on hold" : "connected"
        default: line.state.lowercased()
        }
    }

    // MARK: Calls, health, events

    public func listCalls() async throws(PhoneCommandError) -> [PhoneCallSnapshot]? {
        let lines = BaresipTextOutput.callLines(try await send(.listCalls)).filter { $0.connectionState != nil }
        var known = await tracker.knownCalls
        var snapshots: [PhoneCallSnapshot] = []
        var unresolved: [BaresipCallLine] = []
        for line in lines {
            // Match by peer URI and direction, oldest first: baresip numbers lines in the order calls arrived.
            let match = known.filter { _, call in
                CallParty(address: call.remote.address).userPart == CallParty(address: line.peerURI).userPart
                    && (line.direction == nil || (line.direction == .outbound) == call.outgoing)
            }.min { $0.value.order < $1.value.order }
            if let match {
                known[match.key] = nil
                snapshots.append(snapshot(line, id: match.key, displayName: match.value.remote.displayName))
            } else {
                unresolved.append(line)
            }
        }
        // Calls the event stream never showed (the bridge connected mid-call): ask baresip, line by line.
        let originalCurrent = lines.first(where: \.isCurrent)
        var movedCurrent = false
        for line in unresolved {
            if !line.isCurrent || movedCurrent {
                _ = try await send(.selectLine(line.line))
                movedCurrent = true
            }
            if let id = BaresipTextOutput.currentCallID(try await send(.callStatus)) {
                snapshots.append(snapshot(line, id: id, displayName: nil))
            }
        }
        if movedCurrent, let originalCurrent {
            _ = try await send(.selectLine(originalCurrent.line))
        }
        return snapshots
    }

    private func snapshot(_ line: BaresipCallLine, id: String, displayName: String?) -> PhoneCallSnapshot {
        PhoneCallSnapshot(
            call: PhoneCallID(id), state: line.connectionState ?? .connected, direction: line.direction,
            remote: CallParty(address: line.peerURI, displayName: displayName))
    }

    public func probe() async -> PhoneHealth {
        do throws(PhoneCommandError) {
            let text = try await send(.registrationInfo, timeout: min(endpoint.requestTimeout, .seconds(3)))
            guard let accounts = BaresipTextOutput.userAgentCount(text) else {
                return .rejected(
                    code: "notBaresip",
                    message: "\(redactedBase) answered, but not like baresip's httpd: check the phone's url")
            }
            guard accounts > 0 else {
                return .rejected(
                    code: "noAccount",
                    message: "baresip at \(redactedBase) has no SIP account: add one to its accounts file "
                        + "and load module account.so")
            }
            return .reachable
        } catch {
            switch error {
            case .rejected(let message): return .rejected(code: "rejected", message: message)
            default: return .unreachable(code: "unreachable", message: error.message)
            }
        }
    }

    /// Keeps the ctrl_tcp event connection up until cancelled.
    public func run() async throws {
        let link = BaresipEventLink(
            endpoint: options.controlEndpoint, connectTimeout: endpoint.connectTimeout, reconnectInitial: .milliseconds(250),
            reconnectMaximum: options.reconnectMaximum, maximumFrameLength: 64 * 1024, tracker: tracker,
            status: linkStatus, clock: clock, linkLost: probe)
        logger.info("connecting to baresip ctrl_tcp", metadata: ["phone.id": "\(phoneID)", "ctrl_tcp": "\(options.controlEndpoint)"])
        try await link.run()
    }

    // MARK: HTTP

    private var redactedBase: String { endpoint.redactedBase }
    private var phoneID: String { endpoint.phoneID }

    /// Sends one menu command; returns its text output.
    private func send(_ request: BaresipRequest, timeout: Duration? = nil) async throws(PhoneCommandError) -> String {
        let http = endpoint.request(
            request.target, authentication: authentication, timeout: timeout, maxResponseBytes: 256 * 1024)
        let response: HTTPResponse
        do {
            response = try await transport.execute(http)
        } catch let error as HTTPClientError {
            if case .timedOut = error, request != .registrationInfo {
                // baresip answers nothing when a command fails: tell that apart from a phone that is gone.
                if (try? await send(.registrationInfo, timeout: .seconds(2))) != nil {
                    throw .invalidState(
                        "baresip did not carry out \(request.name): it answers nothing when a command fails "
                            + "(refused URI, no such call, or a command its version lacks)")
                }
            }
            throw .unreachable("baresip httpd at \(redactedBase) did not answer \(request.name): \(error)")
        } catch {
            throw .unreachable("the request to baresip httpd at \(redactedBase) was cancelled")
        }
        switch response.status {
        case 200:
            return response.text
        case 401, 403:
            throw .rejected(
                "the proxy in front of baresip httpd at \(redactedBase) refused the credentials (HTTP "
                    + "\(response.status)): check the phone's username and password")
        case 404:
            throw .rejected("\(redactedBase) has no /raw/ page: the url must point at baresip's httpd module")
        default:
            throw .unreachable("baresip httpd at \(redactedBase) answered HTTP \(response.status) to \(request.name)")
        }
    }
}
