// Snom driver (D3xx/D7xx/7xx/3xx): remote control through `command.htm`, events through action URLs.
//
// Confirmed (reference §5): `command.htm?number=` dials (answers 302), `command.htm?key=` presses keys
// (`ENTER`, `CANCEL`, `F_HOLD`, `DND`, `TRANSFER`, digits, chained with `;`), Basic auth or Digest when
// `http_scheme` is on, action URLs with `$call-id`, `$remote`, `$display_remote`, `$local`, `$cancel_reason`.
//
// UNCONFIRMED, and how each is configurable:
// - Transfer key sequence: default `TRANSFER`, one key per digit, `ENTER`; `options.transferKeys` sets another
//   (comma-separated key names with `{number}`), or `off` to declare no transfer. `+` and SIP URIs cannot be
//   typed on the keypad and are refused with `invalidState`.
// - Resume: the hold key (`F_HOLD`, `options.holdKey: F_R` on old firmware) is pressed again; it is a toggle, so
//   the driver refuses hold/resume when the callbacks say the call is already in the wanted state.
// - DND: the `DND` key is a toggle; the driver presses it only when the state it learned (from
//   `action_dnd_on_url`/`off` or its own last command) differs. Before anything is known the first command
//   presses the key and the phone's DND callback reports the real result. `options.dnd: off` declares no DND.
// - D8xx: one wiki revision says `command.htm` is not supported; `model: D8…` declares no capabilities
//   (events still work); `options.remoteControl: true|false` overrides.
// - Forwarding: no documented remote request, so `forward` is never declared.
// - listCalls: the only state query is CSTA SnapshotDevice, whose HTTP path is unconfirmed, so none.

import CallModel
import Foundation

/// Drives a Snom deskphone through `command.htm` and turns its action-URL callbacks into `PhoneEvent`s.
public struct SnomDriver: PhoneDriver {
    /// The registry entry for `driver: snom`; phone requests go through the context's shared HTTP client.
    public static let descriptor = PhoneDriverDescriptor(
        name: "snom", requiresURL: true,
        validate: { (configuration: PhoneConfiguration) throws(DriverOptionError) in
            _ = try SnomOptions(model: configuration.model, options: configuration.options)
        },
        make: { configuration, context in
            try SnomDriver(configuration: configuration, context: context)
        },
        provisioning: { configuration, provisioning in
            SnomProvisioning.text(configuration, provisioning)
        })

    public let capabilities: Set<PhoneCapability>
    private let phoneID: String
    private let options: SnomOptions
    private let client: SnomClient
    private let context: PhoneDriverContext
    private let book = SnomCallBook()

    /// Creates a driver for one phone; does no I/O.
    public init(configuration: PhoneConfiguration, context: PhoneDriverContext) throws(DriverOptionError) {
        options = try SnomOptions(model: configuration.model, options: configuration.options)
        client = try SnomClient(configuration: configuration, scheme: options.authScheme, http: context.http)
        capabilities = options.capabilities
        phoneID = configuration.id
        self.context = context
    }

    public func perform(_ command: PhoneCommand) async throws(PhoneCommandError) -> PhoneCommandOutcome {
        guard options.remoteControl else {
            throw .notSupported("Snom phone \(phoneID) has no command.htm remote control (options.remoteControl)")
        }
        let request = try SnomRequest.forCommand(command, options: options)
        var acted: PhoneCallID?
        switch command {
        case .hold(let call):
            acted = try await checkToggle(call, refuseIn: .held, action: "hold", because: "it is already on hold")
        case .resume(let call):
            acted = try await checkToggle(call, refuseIn: .connected, action: "resume", because: "it is not on hold")
        case .answer(let call), .hangup(let call), .transfer(_, let call):
            acted = await book.target(call)?.0 ?? call
        case .setDoNotDisturb(let on):
            if await book.doNotDisturb == on { return PhoneCommandOutcome() }
        case .dial, .setForwarding:
            break
        }
        _ = try await client.send(request, purpose: command.capability.rawValue)
        if case .setDoNotDisturb(let on) = command { await book.setDoNotDisturb(on) }
        return PhoneCommandOutcome(callID: acted)
    }

    public func receive(_ request: PhoneEventRequest) async -> PhoneEventIngressResult {
        guard let row = SnomEvents.row(named: request.subpath) else { return .unknownRoute }
        let callback: SnomCallback
        switch SnomEvents.parse(request, row: row) {
        case .success(let parsed): callback = parsed
        case .failure(let error): return .malformed(reason: error.reason)
        }
        var memory: SnomCallMemory?
        if let call = callback.call {
            memory = await book.memory(of: call)
            if memory == nil, await book.hasCleared(call), row.name == "missed" || row.name == "disconnected" {
                // Snom may report both missed and disconnected for one call: the first end wins.
                return .accepted(body: "OK")
            }
        }
        guard let kind = row.build(callback, memory) else { return .accepted(body: "OK") }
        await book.apply(kind)
        context.events.emit(PhoneEvent(phoneID: phoneID, at: context.now(), kind: kind))
        return .accepted(body: "OK")
    }

    public func probe() async -> PhoneHealth {
        do {
            _ = try await client.send(.probe, purpose: "probe")
            return .reachable
        } catch {
            return PhoneHealth(probeFailure: error)
        }
    }

    /// Refuses pressing a toggle key when the callbacks say the call is already where the command would take it.
    private func checkToggle(
        _ call: PhoneCallID?, refuseIn state: ConnectionState, action: String, because reason: String
    ) async throws(PhoneCommandError) -> PhoneCallID? {
        guard let (id, memory) = await book.target(call) else { return call }
        if memory.state == state {
            throw .invalidState("cannot \(action) call \(id): \(reason) (Snom's hold key is a toggle)")
        }
        return id
    }
}
