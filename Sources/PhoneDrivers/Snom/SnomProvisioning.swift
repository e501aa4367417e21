import Foundation

/// The settings an installer puts on a Snom phone, in Snom's XML settings-file syntax.
enum SnomProvisioning {
    /// The callback URL for one event row, with the Snom runtime variables the parser reads.
    static func callbackURL(for row: SnomEvents.Row, _ provisioning: PhoneProvisioning) -> String {
        var url = provisioning.eventBaseURL + "/" + row.name + "?token=" + SnomRequest.encoded(provisioning.eventToken)
        if row.isCallEvent {
            for (name, variable) in SnomEvents.callVariables { url += "&\(name)=\(variable)" }
        }
        for (name, variable) in row.deviceVariables { url += "&\(name)=\(variable)" }
        return url
    }

    /// The whole settings file for `configuration`'s phone.
    static func text(_ configuration: PhoneConfiguration, _ provisioning: PhoneProvisioning) -> String {
        let options = try? SnomOptions(model: configuration.model, options: configuration.options)
        var lines = [
            #"<?xml version="1.0" encoding="utf-8"?>"#,
            comment("CTIBridge settings for Snom phone \(configuration.id): load as a settings file, or enter each "
                + "value on the phone's web UI (Advanced > Action URL Settings)."),
            "<settings>",
            "<phone-settings>",
            comment("Action URLs: the phone reports call events to the bridge."),
        ]
        for row in SnomEvents.table {
            lines.append(setting(row.setting, callbackURL(for: row, provisioning)))
        }
        lines.append(comment("Remote control (command.htm): the bridge logs in with drivers.yaml username/password."))
        if options?.remoteControl == false {
            lines.append(comment("This model has no command.htm remote control (D8xx): the bridge only receives events."))
        }
        let scheme = options?.authScheme ?? .basic
        lines.append(setting("http_scheme", scheme == .digest ? "on" : "off"))
        if let user = configuration.username {
            lines.append(setting("http_user", user))
        }
        lines += [
            comment("http_pass: the password drivers.yaml gives this phone (not printed here)."),
            comment("Snom has no allow list for command.htm: let only the bridge (\(provisioning.bridgeHost)) reach the "
                + "phone's web server (VLAN or firewall), and prefer https."),
            comment("If http_user, http_pass and the administrator password all differ from the defaults, set "
                + "hidden tags to off, or the phone refuses remote control."),
            "</phone-settings>",
            "</settings>",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `<name perm="">value</name>`, with the value XML-escaped.
    private static func setting(_ name: String, _ value: String) -> String {
        var writer = XMLWriter(declaration: false)
        do {
            try writer.element(name, attributes: ["perm": ""], text: value)
        } catch {
            return comment("\(name): value contains characters a settings file cannot hold")
        }
        return writer.output
    }

    /// An XML comment; `--` may not appear inside one.
    private static func comment(_ text: String) -> String {
        "<!-- " + text.replacingOccurrences(of: "--", with: "- -") + " -->"
    }
}
