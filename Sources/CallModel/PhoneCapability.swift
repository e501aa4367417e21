/// Something a phone's driver can make the phone do. Published in `P/phones/{id}` as `capabilities`.
public enum PhoneCapability: String, Sendable, Codable, CaseIterable, Comparable {
    case dial
    case answer
    case hangup
    case hold
    case resume
    case transfer
    case dnd
    case forward

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
