import CallModel

/// The phone's call page (`CiscoIPPhoneCallLineInfo` with one `CiscoIPPhoneCallInfo` per call), as documented in
/// the CUCM administration guides ("Request Information from the Phone in XML", `/CGI/Java/CallInfo<line>`).
enum CiscoCallInfo {
    /// Upper-cased `CallState` → connection state. Only `CONNECTED` appears in the documentation's sample; the
    /// other names are the phones' usual call-state names (UNCONFIRMED). Unknown states are left out.
    static let states: [String: ConnectionState] = [
        "CONNECTED": .connected,
        "RINGIN": .alerting,
        "RINGING": .alerting,
        "OFFERING": .alerting,
        "ALERTING": .alerting,
        "OFFHOOK": .initiated,
        "DIALING": .initiated,
        "PROCEED": .initiated,
        "RINGOUT": .connected,
        "HOLD": .held,
        "REMHOLD": .connected,
        "REMOTEHOLD": .connected,
    ]

    /// The calls on the page, or `nil` when the document is not a call page.
    static func calls(in root: XMLElementNode) -> [PhoneCallSnapshot]? {
        guard root.name == "CiscoIPPhoneCallLineInfo" else { return nil }
        return root.children("CiscoIPPhoneCallInfo").compactMap { info in
            guard let reference = info.text(at: "CallReference"), !reference.isEmpty, reference.count <= 64,
                reference.allSatisfy({ $0.isASCII && !$0.isWhitespace }),
                let state = info.text(at: "CallState").flatMap({ states[$0.uppercased()] })
            else { return nil }
            let direction: CallDirection? =
                switch info.text(at: "CallType")?.uppercased() {
                case "INBOUND": .inbound
                case "OUTBOUND": .outbound
                default: nil
                }
            let remote =
                direction == .outbound
                ? CallParty(address: info.text(at: "CalledPartyDirNum"), displayName: info.text(at: "CalledPartyName"))
                : CallParty(address: info.text(at: "CallingPartyDirNum"), displayName: info.text(at: "CallingPartyName"))
            return PhoneCallSnapshot(
                call: PhoneCallID(reference), state: state, direction: direction,
                remote: remote.address == nil && remote.displayName == nil ? nil : remote)
        }
    }
}
