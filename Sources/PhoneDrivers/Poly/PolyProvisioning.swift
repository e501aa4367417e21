/// The settings an installer puts on a Poly phone, as a UC Software configuration file (`<PHONE_CONFIG>`).
enum PolyProvisioning {
    /// The event route below `/phones/{id}/events` that telephony notifications are posted to.
    static let notificationSubpath = "telephony"

    /// The notification URL the phone is given: the event route with the phone's token.
    static func notificationURL(_ provisioning: PhoneProvisioning) -> String {
        "\(provisioning.eventBaseURL)/\(notificationSubpath)?token=\(provisioning.eventToken)"
    }

    /// The whole configuration snippet for one phone.
    static func text(configuration: PhoneConfiguration, options: PolyOptions, provisioning: PhoneProvisioning) -> String {
        var settings: [(String, String)] = [
            ("apps.telNotification.URL", notificationURL(provisioning)),
            ("apps.telNotification.incomingEvent", "1"),
            ("apps.telNotification.outgoingEvent", "1"),
            ("apps.telNotification.offhookEvent", "1"),
            ("apps.telNotification.onhookEvent", "1"),
            ("apps.telNotification.callStateChangeEvent", "1"),
        ]
        var notes = [
            "CTIBridge: Poly phone \(configuration.id), controlled through the \(options.api == .rest ? "REST" : "Push") API.",
            "Call events: the phone POSTs Telephony Event Notification XML to the bridge (CallStateChangeEvent carries the calls).",
            "Poly has no trusted-IP list for these APIs: allow only the bridge (\(provisioning.bridgeHost)) to reach the phone's web server (VLAN/firewall).",
        ]
        switch options.api {
        case .rest:
            settings += [("httpd.enabled", "1"), ("apps.restapi.enabled", "1")]
            notes.append(
                "REST uses HTTP Basic as user Polycom with the phone's admin password: set that password (not the factory default) as this phone's password in drivers.yaml.")
        case .push:
            settings += [
                ("httpd.enabled", "1"),
                ("apps.push.messageType", String(options.pushPriority.messageType)),
                ("apps.push.username", configuration.username ?? "ctibridge"),
                ("apps.push.password", "SET-TO-THIS-PHONE'S-PASSWORD-IN-DRIVERS.YAML"),
            ]
            notes.append(
                "Push uses HTTP Digest with apps.push.username/apps.push.password; they must equal username/password in drivers.yaml.")
        }
        var lines = [#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#]
        lines += notes.map { "<!-- \(comment($0)) -->" }
        lines.append("<PHONE_CONFIG>")
        lines.append("  <ALL")
        lines += settings.map { "    \($0.0)=\"\(attribute($0.1))\"" }
        lines.append("  />")
        lines.append("</PHONE_CONFIG>")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func attribute(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// `--` may not appear inside an XML comment.
    private static func comment(_ text: String) -> String {
        text.replacing("--", with: "- -")
    }
}
