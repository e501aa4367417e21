import Foundation

/// The settings an installer puts on a Fanvil phone for the bridge (`phone-config`), as Fanvil XML.
enum FanvilProvisioning {
    /// The action URL the phone is given for `event`.
    static func actionURL(event: String, meaning: FanvilEvents.Meaning, options: FanvilOptions, provisioning: PhoneProvisioning)
        -> String
    {
        let base = provisioning.eventBaseURL.hasSuffix("/")
            ? String(provisioning.eventBaseURL.dropLast()) : provisioning.eventBaseURL
        return base + "/" + event + "?token=" + PercentEncoding.encode(provisioning.eventToken) + "&"
            + FanvilEvents.variables(for: meaning, options: options)
    }

    static func text(configuration: PhoneConfiguration, provisioning: PhoneProvisioning) -> String {
        let options = (try? FanvilOptions(configuration.options)) ?? FanvilOptions()
        var writer = XMLWriter()
        var comments = [
            "<!-- CTIBridge: settings for phone \(configuration.id) (Fanvil \(configuration.model ?? "model not set")). -->",
            "<!-- Fanvil's tag names are only partly public: the tags below are the confirmed ones; set the others -->",
            "<!-- in the web UI (Phone > Action URL / Features > Active URI) exactly as listed. -->",
            "<!-- Active URI Limit IP (Web UI: Active URI Limit IP): \(provisioning.bridgeHost) -->",
        ]
        for rule in FanvilEvents.rules where FanvilEvents.xmlTags[rule.name] == nil {
            let url = actionURL(event: rule.name, meaning: rule.meaning, options: options, provisioning: provisioning)
            comments.append("<!-- Action URL \"\(rule.webName)\": \(url) -->")
        }
        do {
            try writer.element("sysConf") { (writer: inout XMLWriter) throws(XMLWriteError) in
                try writer.element("web") { (writer: inout XMLWriter) throws(XMLWriteError) in
                    try writer.element("RemoteControl", text: "1")
                }
                try writer.element("cti") { (writer: inout XMLWriter) throws(XMLWriteError) in
                    for rule in FanvilEvents.rules {
                        guard let tag = FanvilEvents.xmlTags[rule.name] else { continue }
                        let url = actionURL(event: rule.name, meaning: rule.meaning, options: options, provisioning: provisioning)
                        try writer.element(tag, text: url)
                    }
                }
            }
        } catch {
            return comments.joined(separator: "\n") + "\n<!-- could not write the XML: \(error) -->\n"
        }
        // The declaration must stay first; the comments follow it.
        let output = writer.output
        let declarationEnd = output.range(of: "?>")!.upperBound
        return String(output[..<declarationEnd]) + "\n" + comments.joined(separator: "\n") + "\n"
            + String(output[declarationEnd...]) + "\n"
    }
}
