/// The baresip configuration lines an installer adds for one phone (`ctibridge phone-config`).
enum BaresipProvisioning {
    static func text(for configuration: PhoneConfiguration, provisioning: PhoneProvisioning) -> String {
        let httpListen = configuration.url.flatMap(listenAddress(ofURL:)) ?? "127.0.0.1:8000"
        let control = (try? BaresipOptions(configuration.options, url: configuration.url))?.controlEndpoint.description
            ?? "127.0.0.1:4444"
        let account = (try? BaresipOptions(configuration.options, url: configuration.url))?.dialDomain ?? "pbx.example.com"
        return """
            # \(configuration.id): baresip (1.0.0 or later), controlled over httpd, events over ctrl_tcp.
            # Add to baresip's config file (~/.baresip/config, or config in the directory given with -f):
            module_path /usr/lib/baresip/modules
            module account.so
            module menu.so
            module httpd.so
            http_listen \(httpListen)
            module ctrl_tcp.so
            ctrl_tcp_listen \(control)
            # The bridge connects to both; nothing on baresip calls the bridge (no callback URL, no event token).
            # Neither module has authentication: listen on an address only the bridge (\(provisioning.bridgeHost))
            # can reach, or firewall both ports to \(provisioning.bridgeHost).
            # ctrl_tcp serves one client at a time: do not connect other tools to \(control).
            # Accounts file (~/.baresip/accounts), one line; commands act on the first account:
            #   <sip:1001@\(account)>;auth_pass=SECRET
            """
    }

    /// `host:port` of an `http://host:port` URL, as `http_listen` wants it.
    private static func listenAddress(ofURL url: String) -> String? {
        guard let host = BaresipEndpoint.host(ofURL: url), let schemeEnd = url.range(of: "://") else { return nil }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" }
        let afterHost = authority.split(separator: "@").last.map(String.init) ?? String(authority)
        let port = afterHost.hasSuffix("]") ? nil : afterHost.split(separator: ":").dropFirst().last.flatMap { Int($0) }
        let formattedHost = host.contains(":") ? "[\(host)]" : host
        return "\(formattedHost):\(port ?? (url.hasPrefix("https") ? 443 : 80))"
    }
}
