import Foundation

/// An IPv4 or IPv6 address or CIDR range from `allowFrom`, matched against an event's source address.
struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    private let bytes: [UInt8]
    private let prefixLength: Int
    let description: String

    /// Parses `192.0.2.10`, `192.0.2.0/24`, `::1` or `fd00::/8`; `nil` if it is none of these.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = Self.parse(String(parts[0])) else { return nil }
        let maximum = address.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...maximum).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = maximum
        }
        bytes = address
        description = text
    }

    /// Whether `address` (as the HTTP server reports the peer) is inside this range.
    func contains(_ address: String) -> Bool {
        var candidate = Self.parse(address)
        // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
        if candidate?.count == 16, bytes.count == 4, let mapped = candidate,
            mapped[0..<10].allSatisfy({ $0 == 0 }), mapped[10] == 0xFF, mapped[11] == 0xFF
        {
            candidate = Array(mapped[12...])
        }
        guard let candidate, candidate.count == bytes.count else { return false }
        var remaining = prefixLength
        for index in bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if candidate[index] & mask != bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    private static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: v6) { Array($0) }
        }
        return nil
    }
}
