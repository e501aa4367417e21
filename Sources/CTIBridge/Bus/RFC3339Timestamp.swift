import Foundation

/// Writes the contract's timestamps, `2026-11-24T16:00:00.123Z`: UTC, milliseconds rounded to the nearest.
///
/// Written by hand for two reasons. `Date.ISO8601FormatStyle` truncates to the millisecond, and a time parsed
/// from its own output is often a hair below that millisecond, so parsing and writing again lost a millisecond
/// about half the time: every restart republished restored agents and calls with times 1 ms earlier. Rounding
/// makes parse-then-write give back the same text. And the format style goes through a calendar for every
/// timestamp, 1.4 % of the bridge's CPU at a few thousand phone events a second.
enum RFC3339Timestamp {
    /// 1600-01-01T00:00:00Z up to (not including) 10000-01-01T00:00:00Z, in milliseconds since 1970. Outside,
    /// Foundation writes the time: before the Gregorian reform its calendar is Julian, and years need five digits.
    private static let handled: Range<Int64> = -11_676_096_000_000..<253_402_300_800_000

    static func string(from date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite, let total = Int64(exactly: milliseconds), handled.contains(total) else {
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
        }
        let (days, millisecondOfDay) = floorDivision(total, 86_400_000)
        let (year, month, day) = civilDate(daysSince1970: days)
        let secondOfDay = millisecondOfDay / 1000
        return String(unsafeUninitializedCapacity: 24) { text in
            write(year, digits: 4, into: text, at: 0)
            text[4] = UInt8(ascii: "-")
            write(month, digits: 2, into: text, at: 5)
            text[7] = UInt8(ascii: "-")
            write(day, digits: 2, into: text, at: 8)
            text[10] = UInt8(ascii: "T")
            write(secondOfDay / 3600, digits: 2, into: text, at: 11)
            text[13] = UInt8(ascii: ":")
            write(secondOfDay / 60 % 60, digits: 2, into: text, at: 14)
            text[16] = UInt8(ascii: ":")
            write(secondOfDay % 60, digits: 2, into: text, at: 17)
            text[19] = UInt8(ascii: ".")
            write(millisecondOfDay % 1000, digits: 3, into: text, at: 20)
            text[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Quotient and remainder rounded towards minus infinity: times before 1970 still get a time of day ≥ 0.
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// The proleptic Gregorian date `days` after 1970-01-01, counting in 400-year eras of 146,097 days
    /// (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468  // days since 0000-03-01, so that a leap day ends its year
        let (era, dayOfEra) = floorDivision(shifted, 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func write(_ value: Int64, digits: Int, into text: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var rest = value
        for position in stride(from: offset + digits - 1, through: offset, by: -1) {
            text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }
}
