import Foundation

/// One entry of the external contacts file, as written there (numbers not yet normalised).
public struct ExternalContactEntry: Sendable, Equatable, Codable {
    public var name: String
    /// The numbers as written (formatting kept).
    public var numbers: [String]
    public var company: String?

    /// Creates an entry.
    public init(name: String, numbers: [String], company: String? = nil) {
        self.name = name
        self.numbers = numbers
        self.company = company
    }

    /// An id derived from the entry's content only, so it is the same after every restart.
    ///
    /// FNV-1a (64 bit) over the name, the numbers' digits and the company: Swift's `Hasher` is seeded per
    /// process and could not be used. Formatting of numbers does not change the id.
    public var stableID: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0x1f
            hash = hash &* 0x0000_0100_0000_01b3
        }
        mix(name)
        for number in numbers { mix(String(number.filter { $0.isASCII && ($0.isNumber || $0 == "+") })) }
        mix(company ?? "")
        let hex = String(hash, radix: 16)
        return "ext-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Limits that keep a hostile or broken contacts file from using unbounded memory.
public enum ContactFileLimits {
    /// Entries read at most; the rest of the file is ignored.
    public static let maximumEntries = 50_000
    /// Characters kept per field.
    public static let maximumFieldLength = 200
    /// Numbers kept per entry.
    public static let maximumNumbersPerEntry = 20
    /// Columns read per CSV row.
    public static let maximumColumns = 64

    /// A field as stored: control characters become spaces, trimmed, cut to the maximum length.
    static func clean(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        var count = 0
        for scalar in raw.unicodeScalars {
            guard count < maximumFieldLength * 2 else { break }
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            scalars.append(isControl ? " " : scalar)
            count += 1
        }
        let trimmed = String(scalars).trimmingCharacters(in: .whitespaces)
        return trimmed.count > maximumFieldLength ? String(trimmed.prefix(maximumFieldLength)) : trimmed
    }

    /// Whether a field looks like a phone number (digits and formatting, at least two digits).
    static func looksLikeNumber(_ text: String) -> Bool {
        var digits = 0
        for character in text {
            if character.isASCII && character.isNumber {
                digits += 1
            } else if !" +-./()*#\u{00A0}".contains(character) {
                return false
            }
        }
        return digits >= 2
    }

    /// Splits a field that holds several numbers (`;`, `,` or `|` between them).
    static func splitNumbers(_ field: String) -> [String] {
        field.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "|" })
            .map { clean(String($0)) }
            .filter { !$0.isEmpty }
    }
}
