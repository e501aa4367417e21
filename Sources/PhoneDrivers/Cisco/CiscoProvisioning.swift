/// What an installer sets up for a Cisco phone: nothing on the phone itself, everything in CUCM.
enum CiscoProvisioning {
    static func text(configuration: PhoneConfiguration, provisioning: PhoneProvisioning) -> String {
        let user = configuration.username ?? "<the CUCM user in drivers.yaml>"
        let callInfoPath =
            (try? CiscoOptions(model: configuration.model, options: configuration.options).callInfoPath)
            ?? "/CGI/Java/CallInfo1"
        return """
            # CTIBridge: Cisco phone \(configuration.id) (control only).
            # Cisco phones send NO call events over HTTP: the bridge sees no ringing, answered or ended calls from
            # this phone and has no event URL for it (call events need CUCM JTAPI/TAPI, which this driver does not use).
            # Nothing is set on the phone itself; in CUCM Administration:
            #   Device > Phone > \(configuration.id): Web Access = Enabled
            #   System > Enterprise Parameters: Phone URL Parameters > Secured/Unsecured Authentication URL reachable
            #     from the phone (the phone checks the bridge's Basic credentials there; failures are CiscoIPPhoneError 4)
            #   User Management > End User (or Application User) \(user): Controlled Devices includes this phone;
            #     Permissions: Standard CTI Enabled, Standard CTI Allow Control of All Phones
            # Allow HTTP from the bridge (\(provisioning.bridgeHost)) to the phone's web server (port 80/443).
            # Optional call reconciliation: options.callInfo: true reads \(callInfoPath) (one line, read on demand only).

            """
    }
}
