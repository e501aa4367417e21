import CallModel

/// Cisco's requests as data: each command is one internal URI in a `CiscoIPPhoneExecute` POSTed to
/// `/CGI/Execute` as the form field `XML`.
///
/// | command | URI | notes |
/// | --- | --- | --- |
/// | dial | `Dial:<digits>` | digits `0-9 * #` and `+` (or `plusPrefix`); SIP URIs are not dialable |
/// | answer | `answerKey` (`Key:Speaker`) | answers on the speaker |
/// | hangup | `hangupKey` (`Key:Speaker`) | no state-independent hang-up URI exists |
/// | hold / resume | `holdKey` (`Key:Hold`; 9800 `Key:FixedFeature3`; 79xx none) | the key toggles |
/// | list calls | `GET callInfoPath` (`/CGI/Java/CallInfo1`) | only with `callInfo: true` |
/// | probe | `GET /DeviceInformationX` | credentials are checked by CUCM only on Execute |
enum CiscoRequests {
    static let executePath = "/CGI/Execute"
    static let deviceInformationPath = "/DeviceInformationX"
    static let formContentType = "application/x-www-form-urlencoded"

    /// The `Dial:` URI for a number.
    static func dialURI(_ destination: DialString, plusPrefix: String?) -> String {
        var digits = destination.value
        if let plusPrefix, digits.hasPrefix("+") { digits = plusPrefix + digits.dropFirst() }
        return "Dial:" + digits
    }

    /// `XML=<CiscoIPPhoneExecute><ExecuteItem Priority="0" URL="…"/></CiscoIPPhoneExecute>`, form-encoded.
    static func executeBody(uri: String) throws(XMLWriteError) -> [UInt8] {
        var writer = XMLWriter(declaration: false)
        try writer.element("CiscoIPPhoneExecute") { (root: inout XMLWriter) throws(XMLWriteError) in
            try root.element("ExecuteItem", attributes: ["Priority": "0", "URL": uri])
        }
        return Array(("XML=" + formEncoded(writer.output)).utf8)
    }

    /// `application/x-www-form-urlencoded` value encoding: everything but unreserved characters as `%XX`.
    static func formEncoded(_ value: String) -> String {
        PercentEncoding.encode(value)
    }
}
