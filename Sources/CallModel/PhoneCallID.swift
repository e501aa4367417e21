/// The identifier a phone (or its driver) gives one call leg, kept verbatim so commands can target it.
///
/// Vendors use very different shapes (Yealink's small integers, Poly's `0xb53e57c0` handles, baresip's SIP
/// Call-ID); the bridge treats them as opaque strings and never parses them.
public struct PhoneCallID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The vendor's own call identifier.
    public let rawValue: String

    /// Wraps a vendor call identifier.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
