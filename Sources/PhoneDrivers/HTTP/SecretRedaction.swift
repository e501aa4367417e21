/// Removes credentials and secret query values from URLs and messages before they reach a log.
public enum SecretRedaction {
    /// The text that replaces every secret.
    public static let mask = "***"

    /// Query parameter names whose values are always secret (compared lowercased).
    ///
    /// `key` is deliberately absent: Yealink's action URI uses `key=OK` as the command itself.
    static let secretParameterNames: Set<String> = [
        "passcode", "password", "passwd", "pass", "pwd", "pw", "pin",
        "token", "access_token", "secret", "auth", "apikey", "api_key", "sessionid", "sid",
    ]

    /// Fragments that mark a parameter name as secret wherever they occur in it, e.g. `admin_password`.
    static let secretNameFragments = ["pass", "pwd", "token", "secret", "apikey", "api_key", "auth"]

    /// Whether a query parameter called `name` carries a secret value.
    public static func isSecretParameter(_ name: String) -> Bool {
        let lowered = percentDecoded(name).lowercased()
        if secretParameterNames.contains(lowered) { return true }
        return secretNameFragments.contains { lowered.contains($0) }
    }

    /// Returns `url` with the userinfo password and secret query values replaced by ``mask``.
    public static func redactedURL(_ url: String) -> String {
        let parts = URLParts(url)
        var result = parts.prefix
        if let userinfo = parts.userinfo {
            if let colon = userinfo.firstIndex(of: ":") {
                result += userinfo[..<colon] + ":" + mask + "@"
            } else {
                result += userinfo + "@"
            }
        }
        result += parts.hostAndPath
        if let query = parts.query {
            let redactedPairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                guard let equals = pair.firstIndex(of: "="), isSecretParameter(String(pair[..<equals])) else {
                    return String(pair)
                }
                return String(pair[...equals]) + mask
            }
            result += "?" + redactedPairs.joined(separator: "&")
        }
        if let fragment = parts.fragment { result += "#" + fragment }
        return result
    }

    /// Returns the secret strings in `url` (userinfo password, secret query values), raw and percent-decoded.
    public static func secretValues(inURL url: String) -> [String] {
        let parts = URLParts(url)
        var secrets: [String] = []
        if let userinfo = parts.userinfo, let colon = userinfo.firstIndex(of: ":") {
            secrets.append(String(userinfo[userinfo.index(after: colon)...]))
        }
        for pair in (parts.query ?? "").split(separator: "&") {
            guard let equals = pair.firstIndex(of: "="), isSecretParameter(String(pair[..<equals])) else { continue }
            secrets.append(String(pair[pair.index(after: equals)...]))
        }
        let decoded = secrets.map { percentDecoded($0) }
        return Array(Set(secrets + decoded)).filter { !$0.isEmpty }
    }

    /// Returns `message` with every occurrence of each of `secrets` replaced by ``mask``.
    public static func redact(_ message: String, removing secrets: [String]) -> String {
        // Longest first, so a secret that contains a shorter one is masked whole.
        let ordered = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        var result = message
        for secret in ordered {
            result = result.replacing(secret, with: mask)
        }
        return result
    }

    /// Decodes `%XX` escapes; malformed escapes are kept as written.
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") || text.contains("+") else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
               let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A URL split just far enough to find its secrets; tolerant of anything, it never fails.
private struct URLParts {
    /// `scheme://`, or empty when the URL has no scheme separator.
    var prefix: String
    /// The text before `@` in the authority, if any.
    var userinfo: Substring?
    /// Host, port and path.
    var hostAndPath: Substring
    /// The text between `?` and `#`, if any.
    var query: Substring?
    /// The text after `#`, if any.
    var fragment: Substring?

    init(_ url: String) {
        var rest = Substring(url)
        if let fragmentStart = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: fragmentStart)...]
            rest = rest[..<fragmentStart]
        }
        if let queryStart = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: queryStart)...]
            rest = rest[..<queryStart]
        }
        if let separator = rest.firstRange(of: "://") {
            prefix = String(rest[..<separator.upperBound])
            rest = rest[separator.upperBound...]
        } else {
            prefix = ""
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        hostAndPath = rest
    }
}
