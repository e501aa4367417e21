extension HTTPRequest {
    /// Refuses, before anything reaches libcurl, a request that is not plain `http`/`https` or could smuggle headers.
    func validate() throws(HTTPClientError) {
        guard Self.hasAllowedScheme(url), !url.utf8.contains(where: Self.isForbiddenURLByte) else {
            throw .invalidURL
        }
        guard maxResponseBytes > 0 else { throw .invalidRequest("maxResponseBytes must be positive") }
        guard connectTimeout > .zero, totalTimeout > .zero else {
            throw .invalidRequest("timeouts must be positive")
        }
        for header in headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidRequest("header name is not an HTTP token")
            }
            guard !header.value.utf8.contains(where: Self.isLineBreakOrNul) else {
                throw .invalidRequest("header \(header.name) contains a line break")
            }
        }
        if let contentType, contentType.utf8.contains(where: Self.isLineBreakOrNul) {
            throw .invalidRequest("content type contains a line break")
        }
    }

    /// Whether `url` is `http://` or `https://` (any case) followed by a non-empty authority.
    static func hasAllowedScheme(_ url: String) -> Bool {
        let lowered = url.lowercased()
        for prefix in ["http://", "https://"] where lowered.hasPrefix(prefix) {
            let rest = lowered.dropFirst(prefix.count)
            return !(rest.first.map { "/?#".contains($0) } ?? true)
        }
        return false
    }

    private static func isForbiddenURLByte(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7F
    }

    private static func isLineBreakOrNul(_ byte: UInt8) -> Bool {
        byte == 0x0D || byte == 0x0A || byte == 0x00
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
