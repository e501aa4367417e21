import Foundation

/// Turns numbers as phones, CRMs and contact files write them into one comparable form.
///
/// `+44 (0)20 7946 0100`, `020 7946 0100`, `0044 20 7946 0100` and `sip:02079460100@pbx` all become
/// `+442079460100` with the default country GB. Short numbers (internal extensions) and feature codes with `*` or
/// `#` are kept as digits, unchanged, because they have no international form.
public struct PhoneNumberNormalizer: Sendable {
    /// The plan for numbers written nationally, if a default country is configured.
    public let plan: NumberPlan?
    /// Numbers with at most this many digits are extensions and stay as they are.
    public let maximumExtensionLength: Int

    public init(defaultCountry: String?, maximumExtensionLength: Int = 6) {
        self.plan = defaultCountry.flatMap(NumberPlan.forCountry)
        self.maximumExtensionLength = maximumExtensionLength
    }

    /// The normalised number, or `nil` when the text holds no dialable number at all.
    public func normalize(_ raw: String) -> String? {
        let userPart = CallParty(address: raw).userPart ?? raw
        // "+44 (0)20…" writes the trunk prefix in brackets for national readers; it is not dialled.
        let withoutOptionalTrunk = userPart.replacingOccurrences(of: "(0)", with: "")
        var hasPlus = false
        var digits = ""
        for character in withoutOptionalTrunk {
            switch character {
            case "0"..."9", "*", "#":
                digits.append(character)
            case "+" where digits.isEmpty:
                hasPlus = true
            case " ", "-", ".", "(", ")", "/", "\u{00A0}":
                continue
            default:
                // Letters or anything else: not a number (a SIP user name such as "alice").
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        if hasPlus { return "+" + digits }
        if digits.contains(where: { $0 == "*" || $0 == "#" }) || digits.count <= maximumExtensionLength {
            return digits
        }
        guard let plan else { return digits }
        if digits.hasPrefix(plan.internationalPrefix) {
            return "+" + digits.dropFirst(plan.internationalPrefix.count)
        }
        if plan.internationalPrefix != "00", digits.hasPrefix("00") {
            return "+" + digits.dropFirst(2)
        }
        if let trunk = plan.trunkPrefix, digits.hasPrefix(trunk) {
            // North America: 1 + 10 digits; elsewhere the trunk prefix simply goes.
            if plan.callingCode == "1" {
                return digits.count == 11 ? "+" + digits : digits
            }
            return "+" + plan.callingCode + digits.dropFirst(trunk.count)
        }
        if plan.callingCode == "1", digits.count == 10 {
            return "+1" + digits
        }
        if plan.trunkPrefix == nil {
            return "+" + plan.callingCode + digits
        }
        return digits
    }

    /// Whether two numbers are the same once normalised (digits compared, formatting ignored).
    public func same(_ lhs: String, _ rhs: String) -> Bool {
        guard let left = normalize(lhs), let right = normalize(rhs) else { return false }
        return left == right
    }
}
