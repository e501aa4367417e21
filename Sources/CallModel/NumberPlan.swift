/// Country numbering facts needed to turn what phones and people write into E.164 (`+441632960123`).
///
/// Only what normalisation needs: the country calling code, the national trunk prefix that is dropped when a
/// number is written internationally, and the international call prefix.
public struct NumberPlan: Sendable, Equatable {
    /// ISO 3166-1 alpha-2 code.
    public let country: String
    /// Country calling code without `+`.
    public let callingCode: String
    /// The national trunk prefix (`0` in most of Europe, `1` in North America), if any.
    public let trunkPrefix: String?
    /// The prefix for international calls (`00`, or `011` in North America).
    public let internationalPrefix: String

    /// The plan for a country, if known.
    public static func forCountry(_ country: String) -> NumberPlan? {
        plans[country.uppercased()]
    }

    /// The calling code for a country, if known.
    public static func callingCode(forCountry country: String) -> String? {
        plans[country.uppercased()]?.callingCode
    }

    private static let plans: [String: NumberPlan] = {
        // (country, calling code, trunk prefix, international prefix)
        let table: [(String, String, String?, String)] = [
            ("GB", "44", "0", "00"), ("IE", "353", "0", "00"), ("US", "1", "1", "011"), ("CA", "1", "1", "011"),
            ("DE", "49", "0", "00"), ("AT", "43", "0", "00"), ("CH", "41", "0", "00"), ("FR", "33", "0", "00"),
            ("BE", "32", "0", "00"), ("NL", "31", "0", "00"), ("LU", "352", nil, "00"), ("IT", "39", nil, "00"),
            ("ES", "34", nil, "00"), ("PT", "351", nil, "00"), ("DK", "45", nil, "00"), ("NO", "47", nil, "00"),
            ("SE", "46", "0", "00"), ("FI", "358", "0", "00"), ("PL", "48", nil, "00"), ("CZ", "420", nil, "00"),
            ("SK", "421", "0", "00"), ("HU", "36", "06", "00"), ("GR", "30", nil, "00"), ("RO", "40", "0", "00"),
            ("BG", "359", "0", "00"), ("HR", "385", "0", "00"), ("SI", "386", "0", "00"), ("EE", "372", nil, "00"),
            ("LV", "371", nil, "00"), ("LT", "370", "8", "00"), ("AU", "61", "0", "0011"), ("NZ", "64", "0", "00"),
            ("ZA", "27", "0", "00"), ("IN", "91", "0", "00"), ("JP", "81", "0", "010"), ("SG", "65", nil, "000"),
            ("HK", "852", nil, "001"), ("AE", "971", "0", "00"), ("IL", "972", "0", "00"), ("TR", "90", "0", "00"),
            ("BR", "55", "0", "00"), ("MX", "52", nil, "00"),
        ]
        var plans: [String: NumberPlan] = [:]
        for (country, code, trunk, international) in table {
            plans[country] = NumberPlan(
                country: country, callingCode: code, trunkPrefix: trunk, internationalPrefix: international)
        }
        return plans
    }()
}
