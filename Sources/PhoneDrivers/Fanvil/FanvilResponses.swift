/// Turns a Fanvil phone's HTTP answers into the contract's errors, with messages an installer can act on.
enum FanvilResponses {
    /// Nil when the phone accepted the request, else the error to report.
    static func failure(status: Int, phoneID: String) -> PhoneCommandError? {
        switch status {
        case 200..<300:
            return nil
        case 401:
            return .rejected(
                "phone \(phoneID) refused the web user name or password (HTTP 401): set username/password in "
                    + "drivers.yaml to the phone's web login (or options.auth: digest)")
        case 403:
            return .rejected(
                "phone \(phoneID) refused remote control from the bridge (HTTP 403): enable remote control "
                    + "(<web><RemoteControl>1</RemoteControl>) and add the bridge's address to the Active URI Limit IP")
        case 404:
            return .rejected(
                "phone \(phoneID) has no Active URI at this path (HTTP 404): check options.path for this firmware")
        case 500...:
            return .unreachable("phone \(phoneID) failed the request (HTTP \(status))")
        default:
            return .rejected("phone \(phoneID) refused the request (HTTP \(status))")
        }
    }
}
