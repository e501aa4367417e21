/// A parsed broker address of the form `mqtt://host[:port]` or `mqtts://host[:port]`.
public struct MQTTBrokerURL: Sendable, Hashable, CustomStringConvertible {
    /// The plain TCP port used when `mqtt://` gives none.
    public static let defaultPort = 1883
    /// The TLS port used when `mqtts://` gives none.
    public static let defaultTLSPort = 8883

    /// The host name or IP address (IPv6 without brackets).
    public let host: String
    /// The TCP port.
    public let port: Int
    /// Whether the connection uses TLS (`mqtts://`).
    public let usesTLS: Bool

    /// Creates a URL from its parts.
    public init(host: String, port: Int? = nil, usesTLS: Bool = false) {
        self.host = host
        self.port = port ?? (usesTLS ? Self.defaultTLSPort : Self.defaultPort)
        self.usesTLS = usesTLS
    }

    /// Parses `mqtt://host[:port]` or `mqtts://host[:port]`, refusing anything else with a reason.
    public init(parsing string: String) throws(MQTTError) {
        func fail(_ reason: String) -> MQTTError { .invalidURL(string, reason: reason) }

        guard let separator = string.range(of: "://") else {
            throw fail("expected mqtt://host[:port] or mqtts://host[:port]")
        }
        let scheme = string[..<separator.lowerBound].lowercased()
        let usesTLS: Bool
        switch scheme {
        case "mqtt": usesTLS = false
        case "mqtts": usesTLS = true
        default: throw fail("unsupported scheme \"\(scheme)\" (supported: mqtt, mqtts)")
        }

        var authority = Substring(string[separator.upperBound...])
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        if authority.contains("@") {
            throw fail("credentials in the URL are not supported; configure username and password separately")
        }
        if authority.contains(where: { "/?#".contains($0) }) {
            throw fail("a path, query or fragment is not allowed")
        }

        let host: Substring
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("unterminated IPv6 address") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if rest.isEmpty {
                portText = nil
            } else if rest.hasPrefix(":") {
                portText = rest.dropFirst()
            } else {
                throw fail("unexpected characters after the IPv6 address")
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw fail("invalid IPv6 address")
            }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw fail("too many colons (write IPv6 addresses in brackets)") }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
            let allowed = host.allSatisfy {
                ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "." || $0 == "_"
            }
            guard allowed else { throw fail("invalid host name \"\(host)\"") }
        }
        guard !host.isEmpty else { throw fail("missing host") }

        var port: Int?
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(portText), (1...65_535).contains(value)
            else {
                throw fail("port must be a number from 1 to 65535, got \"\(portText)\"")
            }
            port = value
        }
        self.init(host: String(host), port: port, usesTLS: usesTLS)
    }

    /// The URL in canonical form, with the port always written out.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(usesTLS ? "mqtts" : "mqtt")://\(shownHost):\(port)"
    }
}
