/// Percent-encoding for values placed in a phone's URL or form body, shared by every driver.
///
/// Only RFC 3986 unreserved characters stay literal, so `+` becomes `%2B` (a phone would read a literal `+` as
/// a space), `#` becomes `%23` (a literal `#` would cut the URL) and `&`, `;`, `=` can never add parameters or
/// chain key presses.
enum PercentEncoding {
    /// `value` with every byte outside `A-Z a-z 0-9 - . _ ~` written as `%XX`.
    static func encode(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            if isUnreserved(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0x0F)
            }
        }
        return result
    }

    /// Whether `value` may be placed into a key value unencoded: a phone call id or key name.
    static func isPlainToken(_ value: String, maximumLength: Int = 32) -> Bool {
        !value.isEmpty && value.utf8.count <= maximumLength
            && value.utf8.allSatisfy { isUnreserved($0) && $0 != UInt8(ascii: "~") && $0 != UInt8(ascii: ".") }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~")
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF")

    private static func hexDigit(_ nibble: UInt8) -> String {
        String(hexDigits[Int(nibble)])
    }
}
