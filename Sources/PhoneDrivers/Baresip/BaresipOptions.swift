import CallModel

/// A baresip phone's settings from `drivers.yaml` (`options:`).
///
/// | option | default | meaning |
/// | --- | --- | --- |
/// | `ctrlTCP` | `<url host>:4444` | the `ctrl_tcp_listen` address the bridge connects to for events |
/// | `dialDomain` | none | numbers are dialled as `sip:<number>@<dialDomain>`; without it baresip completes a bare number with its account's domain |
/// | `reconnectMaximumSeconds` | 30 | the longest pause between attempts to reconnect to ctrl_tcp |
public struct BaresipOptions: Sendable, Equatable {
    /// Where ctrl_tcp listens.
    public var controlEndpoint: BaresipEndpoint
    /// The host (and port) numbers are dialled at.
    public var dialDomain: String?
    /// The longest pause between reconnection attempts to ctrl_tcp.
    public var reconnectMaximum: Duration

    static let known: Set<String> = ["ctrlTCP", "dialDomain", "reconnectMaximumSeconds"]

    /// Reads the options of a phone whose httpd is at `url`.
    public init(_ options: DriverOptions, url: String?) throws(DriverOptionError) {
        try options.allowOnly(Self.known)
        if let control = try options.string("ctrlTCP") {
            guard let endpoint = BaresipEndpoint(control) else {
                throw DriverOptionError(keyPath: "ctrlTCP", message: "expected host:port, like 127.0.0.1:4444")
            }
            controlEndpoint = endpoint
        } else {
            guard let host = url.flatMap(BaresipEndpoint.host(ofURL:)) else {
                throw DriverOptionError(
                    keyPath: "ctrlTCP", message: "set ctrlTCP to baresip's ctrl_tcp_listen address (host:port)")
            }
            controlEndpoint = BaresipEndpoint(host: host, port: 4444)
        }
        if let domain = try options.string("dialDomain") {
            // The domain must make every number a URI DialString accepts, so nothing unvalidated reaches baresip.
            guard (try? DialString(validating: "sip:1@" + domain))?.kind == .sipURI else {
                throw DriverOptionError(keyPath: "dialDomain", message: "expected a host name or IPv4 address with an optional :port")
            }
            dialDomain = domain
        }
        reconnectMaximum = try options.seconds("reconnectMaximumSeconds", default: 30, in: 1...600)
    }
}

/// A TCP endpoint written `host:port` or `[v6-address]:port`.
public struct BaresipEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; `nil` when either part is missing or the port is out of range.
    public init?(_ text: String) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:".contains($0)) }),
            let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The host of an `http://host:port/...` URL (without userinfo or brackets).
    static func host(ofURL url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        var authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        let host = authority.prefix { $0 != ":" }
        return host.isEmpty ? nil : String(host)
    }
}
