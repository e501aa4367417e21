import Foundation
import Testing

@testable import CTIBridge

@Suite("Timestamps")
struct RFC3339TimestampTests {
    private static let foundation = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    @Test("dates and times agree with Foundation's calendar from 1600 to 9999, leap days included")
    func agreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        let fixed: [Int64] = [
            0, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 1_796_597_291_999, -1, -86_400_000,
            -11_676_096_000_000, 253_402_300_799_999,
        ]
        let random = (0..<20_000).map { _ in Int64.random(in: -11_676_096_000_000..<253_402_300_800_000, using: &generator) }
        for milliseconds in fixed + random {
            // 0.4 ms past the millisecond: Foundation truncates, this rounds, both must say the same millisecond.
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000 + 0.0004)
            #expect(RFC3339Timestamp.string(from: date) == date.formatted(Self.foundation), "\(milliseconds) ms")
        }
    }

    @Test("a time is rounded to the nearest millisecond, carrying into the second, the day and the year")
    func roundsToNearestMillisecond() {
        let cases: [(Double, String)] = [
            (0, "1970-01-01T00:00:00.000Z"),
            (0.0004, "1970-01-01T00:00:00.000Z"),
            (0.0006, "1970-01-01T00:00:00.001Z"),
            (0.9996, "1970-01-01T00:00:01.000Z"),
            (-0.0004, "1970-01-01T00:00:00.000Z"),
            (-0.0006, "1969-12-31T23:59:59.999Z"),
            (1_798_761_599.9997, "2027-01-01T00:00:00.000Z"),
            (951_782_400.5, "2000-02-29T00:00:00.500Z"),
            (4_107_542_400, "2100-03-01T00:00:00.000Z"),
        ]
        for (seconds, text) in cases {
            #expect(RFC3339Timestamp.string(from: Date(timeIntervalSince1970: seconds)) == text, "\(seconds)")
        }
    }

    @Test("what the bridge wrote reads back to the same text: a restart republishes the same times")
    func parsingAndWritingAgainIsStable() throws {
        struct Stamped: Codable, Equatable {
            var at: Date
            var history: [Date]
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // Times as Date() makes them, with sub-millisecond digits.
            let seconds = { Double.random(in: 1_700_000_000...1_900_000_000, using: &generator) }
            let value = Stamped(at: Date(timeIntervalSince1970: seconds()), history: [Date(timeIntervalSince1970: seconds())])
            let written = JSONCoding.encode(value)
            let restored = try JSONCoding.decoder().decode(Stamped.self, from: Data(written))
            let rewritten = JSONCoding.encode(restored)
            #expect(rewritten == written, "\(String(decoding: written, as: UTF8.self))")
        }
    }

    @Test("times outside 1600–9999 are still written, by Foundation")
    func farTimesFallBackToFoundation() {
        // Year 1, the last millisecond before 1600 (Foundation's calendar is Julian before 1582), 10000, far out.
        for seconds in [-62_135_596_800.0, -11_676_096_000.001, 253_402_300_800, 1e15] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RFC3339Timestamp.string(from: date) == date.formatted(Self.foundation))
        }
    }
}
