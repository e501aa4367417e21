import ArgumentParser

/// Which driver the generated fleet's phones use, and how a calling phone words its callbacks for it.
enum BenchPhones: Sendable {
    /// Simulated inside the bridge (`driver: simulator`): its own `ring`/`hangup` callbacks.
    case simulated
    /// Snom phones behind the emulator at this URL (the command benchmark).
    case snom(emulatorURL: String)
    /// Yealink phones behind the emulator at this URL: Action URL callbacks as the phone sends them, each parsed
    /// by the Yealink driver; the emulator answers its health probes.
    case yealink(emulatorURL: String)

    /// The phone's entry in `drivers.yaml`.
    func entry(index: Int) -> String {
        let id = FleetConfiguration.phoneID(index)
        let token = FleetConfiguration.token(index)
        switch self {
        case .simulated:
            return "{ id: \(id), driver: simulator, eventToken: \(token), options: { ringTimeoutSeconds: 3600 } }"
        case .snom(let url):
            return "{ id: \(id), driver: snom, url: \"\(url)/\(index)\", eventToken: \(token) }"
        case .yealink(let url):
            // No web login: the emulator answers every request, so the driver sends no credentials.
            return "{ id: \(id), driver: yealink, url: \"\(url)/\(index)\", eventToken: \(token) }"
        }
    }

    /// The request URI of a call ringing from `number` (the phone's `call`-th), below the phone's event base.
    func ringCallback(base: String, token: String, number: String, call: Int) -> String {
        switch self {
        case .simulated, .snom:
            return "\(base)/ring?token=\(token)&from=%2B\(number.dropFirst())"
        case .yealink:
            // As `ctibridge phone-config` provisions it: the call id, the caller, its (here empty) display name.
            return "\(base)/incoming_call?token=\(token)&call_id=\(call)&remote=%2B\(number.dropFirst())"
                + "&display_remote=&local=10000"
        }
    }

    /// The request URI of the far end giving up on that call before it was answered (a missed call).
    func hangupCallback(base: String, token: String, call: Int) -> String {
        switch self {
        case .simulated, .snom:
            return "\(base)/hangup?token=\(token)"
        case .yealink:
            return "\(base)/call_remote_canceled?token=\(token)&call_id=\(call)&remote=&display_remote=&local=10000"
        }
    }
}

/// The `--driver` choice of the event benchmark.
enum EventDriver: String, ExpressibleByArgument, CaseIterable, Sendable {
    case simulator
    case yealink
}
