import Foundation

/// JSON as the contract writes it: camelCase fields, RFC 3339 UTC times with milliseconds, stable key order.
enum JSONCoding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
            }
            return date
        }
        return decoder
    }

    /// `2026-11-24T16:00:00.000Z` (see `RFC3339Timestamp`).
    static func timestamp(_ date: Date) -> String {
        RFC3339Timestamp.string(from: date)
    }

    static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) {
            return date
        }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
    }

    /// Encodes a payload; the types published are plain data, so failure is a programming error.
    ///
    /// `TreeEncoder` writes the same bytes as `encoder()` at a fraction of the cost; what it does not handle
    /// (floating point, `Data`, `URL`, `Decimal`) goes to Foundation's encoder.
    static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
        if let bytes = try? TreeEncoder.encode(value) { return bytes }
        do {
            return Array(try encoder().encode(value))
        } catch {
            preconditionFailure("cannot encode \(Value.self): \(error)")
        }
    }
}
