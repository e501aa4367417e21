/// The lines an installer puts into a Yealink phone's configuration file for the bridge (`phone-config`).
enum YealinkProvisioning {
    /// Yealink stores each action URL "within 511 characters".
    static let maximumURLLength = 511

    /// The action URL the phone is given for `event`.
    static func actionURL(event: String, scope: YealinkEventRule.Scope, options: YealinkOptions, provisioning: PhoneProvisioning)
        -> String
    {
        let base = provisioning.eventBaseURL.hasSuffix("/")
            ? String(provisioning.eventBaseURL.dropLast()) : provisioning.eventBaseURL
        return base + "/" + event + "?token=" + PercentEncoding.encode(provisioning.eventToken) + "&"
            + YealinkEvents.variables(for: scope, event: event, options: options)
    }

    /// The whole provisioning text in `y0000000000xx.cfg` / `<MAC>.cfg` syntax.
    static func text(configuration: PhoneConfiguration, provisioning: PhoneProvisioning) -> String {
        let options = (try? YealinkOptions(configuration.options)) ?? YealinkOptions()
        var lines = [
            "#!version:1.0.0.1",
            "## CTIBridge: settings for phone \(configuration.id) (Yealink \(configuration.model ?? "model not set")).",
            "## Put them in the phone's <MAC>.cfg (or y0000000000xx.cfg), or set them in the web UI:",
            "## Features > Remote Control (Action URI) and Features > Action URL.",
            "",
            "## Let the bridge control the phone (Action URI) from its address only.",
            "features.action_uri.enable = 1",
            "features.action_uri_limit_ip = \(provisioning.bridgeHost)",
            "## 0: act at once. With 1 the first request shows 'Allow remote control?' and fails with",
            "## 'Remote control forbidden' until someone presses OK on the phone.",
            "features.show_action_uri_option = 0",
            "",
            "## Report call and phone events to the bridge (Action URL).",
        ]
        for (event, rule) in YealinkEvents.rules {
            let url = actionURL(event: event, scope: rule.scope, options: options, provisioning: provisioning)
            if url.count > maximumURLLength {
                lines.append("## WARNING: longer than the phone's \(maximumURLLength) characters; shorten publicUrl.")
            }
            lines.append("action_url.\(event) = \(url)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
