/// The settings an installer puts on a Grandstream phone, in config-file syntax (`Pxxxx = value`).
enum GrandstreamProvisioning {
    /// The callback URL for one event row.
    static func callbackURL(for row: GrandstreamEvents.Row, _ provisioning: PhoneProvisioning) -> String {
        var url = provisioning.eventBaseURL + "/" + row.name + "?token="
            + GrandstreamRequest.encoded(provisioning.eventToken)
        if row.isCallEvent {
            for (name, variable) in GrandstreamEvents.callVariables { url += "&\(name)=\(variable)" }
        }
        return url
    }

    static func text(_ configuration: PhoneConfiguration, _ provisioning: PhoneProvisioning) -> String {
        let remoteControlMenu =
            (configuration.model?.uppercased().hasPrefix("GRP260") ?? false)
            ? "Network Settings > Advanced Settings > Remote Control" : "Network > Remote Control"
        var lines = [
            "# CTIBridge settings for Grandstream phone \(configuration.id) (config file: Pxxxx = value).",
            "# Action URLs: web UI Settings > Outbound Notification > Action URL (older: Maintenance > Event Notify).",
        ]
        let confirmed = GrandstreamEvents.table.filter { $0.pValue != nil }
        for row in confirmed {
            lines.append("\(row.pValue!) = \(callbackURL(for: row, provisioning))")
        }
        lines.append("# No confirmed P-value for these: enter each URL in the web UI field of that name.")
        for row in GrandstreamEvents.table where row.pValue == nil {
            lines.append("# \(row.label) = \(callbackURL(for: row, provisioning))")
        }
        lines += [
            "# Remote control (CTI), web UI \(remoteControlMenu):",
            "#   Enable Action URI Support = Yes",
            "#   Action URI Allowed IP List = \(provisioning.bridgeHost)",
            "#   Remote Control Pop up Window Support = Disabled (otherwise every request waits for a tap on the phone)",
            "# The bridge sends the passcode (drivers.yaml password: the phone's admin or user password) in each",
            "# request's query string: prefer a user-level password and a phone VLAN. It is not printed here.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
