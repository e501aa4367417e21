/// What a phone answered to `CiscoIPPhoneExecute`: `CiscoIPPhoneResponse` items or a `CiscoIPPhoneError`.
enum CiscoExecuteResult: Sendable, Equatable {
    /// One `ResponseItem` per executed URI (`Status="0"` = no error).
    case response([Item])
    /// `<CiscoIPPhoneError Number="n"/>`.
    case error(number: Int, text: String)

    struct Item: Sendable, Equatable {
        var status: String
        var url: String
        var data: String
    }

    /// Reads a response body; `nil` when it is neither a response nor an error object.
    init?(_ root: XMLElementNode) {
        switch root.name {
        case "CiscoIPPhoneResponse":
            let items = root.children("ResponseItem").map {
                Item(status: $0.attribute("Status") ?? "", url: $0.attribute("URL") ?? "", data: $0.attribute("Data") ?? "")
            }
            guard !items.isEmpty else { return nil }
            self = .response(items)
        case "CiscoIPPhoneError":
            guard let number = root.attribute("Number").flatMap({ Int($0) }) else { return nil }
            self = .error(number: number, text: root.trimmedText)
        default:
            return nil
        }
    }
}

/// The `CiscoIPPhoneError` numbers, as data (Cisco IP Phone Services Application Development Notes).
enum CiscoErrorNumber {
    static let descriptions: [Int: String] = [
        1: "error parsing CiscoIPPhoneExecute",
        2: "error framing CiscoIPPhoneResponse",
        3: "internal file error",
        4: "authentication error",
    ]

    /// Error 4: the phone asked its CUCM authentication URL, which said no (or could not be asked).
    static func authenticationHelp(phoneID: String, user: String) -> String {
        "phone \(phoneID) refused the credentials of user \(user) (CiscoIPPhoneError 4 authentication error): the "
            + "phone checks them against the Authentication URL in its CUCM configuration; check that this URL is "
            + "reachable from the phone, that the user exists with this password, is associated with the phone "
            + "(Controlled Devices) and has the roles Standard CTI Enabled and Standard CTI Allow Control of All Phones, "
            + "and that the phone's Web Access is enabled"
    }

    /// The command error for an error object.
    static func error(number: Int, phoneID: String, user: String, action: String) -> PhoneCommandError {
        if number == 4 { return .rejected(authenticationHelp(phoneID: phoneID, user: user)) }
        let description = descriptions[number] ?? "error \(number)"
        return .invalidState("phone \(phoneID) could not \(action): CiscoIPPhoneError \(number) (\(description))")
    }
}
