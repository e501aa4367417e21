/// A fake phone whose web server is a ``RestartableHTTPServer``, so a test can take it off the network and bring
/// it back on the same address, as a phone losing power or its link would.
public protocol HTTPPhoneEmulator: Sendable {
    /// The phone's web server; the emulator starts it with its own routes or handler.
    var webServer: RestartableHTTPServer { get }
}

extension HTTPPhoneEmulator {
    /// The bound port (0 before the first start; the same after a restart).
    public var port: Int { webServer.port }

    /// `http://127.0.0.1:<port>`: what a driver's configuration names as the phone's `url`.
    public var baseURL: String { webServer.baseURL }

    /// Takes the phone off the network: the port closes, and so do idle keep-alive connections; the phone's
    /// state (calls, settings, recorded requests) is kept for the next start.
    public func stop() async {
        await webServer.stop()
    }
}
