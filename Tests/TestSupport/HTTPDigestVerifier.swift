import Crypto
import Synchronization

/// The server side of HTTP Digest authentication (RFC 7616, `qop="auth"`), for fake phones and test servers.
///
/// It issues challenges (remembering the nonces it handed out) and checks `Authorization` headers
/// against the request's method, request target and the user's password.
public final class HTTPDigestVerifier: Sendable {
    /// The hash function named in the challenge's `algorithm` parameter.
    public enum Algorithm: String, Sendable, CaseIterable {
        case md5 = "MD5"
        case sha256 = "SHA-256"
    }

    /// The verdict on one `Authorization` header.
    public enum Outcome: Sendable, Equatable {
        /// The response hash proves knowledge of the user's password.
        case authenticated(user: String)
        /// The header was absent or wrong; the server should answer 401 with a fresh ``challenge(stale:)``.
        case rejected(Rejection)

        /// Whether the request may proceed.
        public var isAuthenticated: Bool {
            if case .authenticated = self { return true }
            return false
        }
    }

    /// Why an `Authorization` header was rejected.
    public enum Rejection: Sendable, Equatable {
        /// No `Authorization` header at all (the client has not seen a challenge yet).
        case missing
        /// Another scheme, e.g. Basic.
        case notDigest
        /// A Digest header lacking required parameters or not parseable.
        case malformed
        /// The answer names another realm.
        case wrongRealm
        /// The nonce was never issued here, or has been forgotten.
        case unknownNonce
        /// The opaque value was not echoed unchanged.
        case wrongOpaque
        /// The `uri` parameter differs from the request target actually requested.
        case uriMismatch
        /// The answer uses another hash algorithm than the challenge.
        case unsupportedAlgorithm
        /// A `qop` other than `auth`.
        case unsupportedQop
        /// The user name is not known.
        case unknownUser
        /// The response hash is wrong: usually a wrong password.
        case wrongResponse
    }

    /// How many recent nonces stay valid; older ones are forgotten.
    static let rememberedNonces = 1024

    /// The protection space announced in challenges.
    public let realm: String
    /// The hash function announced in challenges and required in answers.
    public let algorithm: Algorithm
    /// The opaque value every answer must echo.
    public let opaque: String
    private let nonces = Mutex(NonceBook())

    /// Creates a verifier for `realm` using `algorithm`.
    public init(realm: String, algorithm: Algorithm = .md5) {
        self.realm = realm
        self.algorithm = algorithm
        self.opaque = Self.randomHex(byteCount: 16)
    }

    /// Returns a `WWW-Authenticate` header value with a fresh nonce.
    public func challenge(stale: Bool = false) -> String {
        let nonce = Self.randomHex(byteCount: 16)
        nonces.withLock { $0.remember(nonce) }
        var value = "Digest realm=\"\(realm)\", qop=\"auth\", nonce=\"\(nonce)\", opaque=\"\(opaque)\", algorithm=\(algorithm.rawValue)"
        if stale { value += ", stale=true" }
        return value
    }

    /// Checks `authorization` (the header value, if any) for a request with `method` and request target `uri`.
    ///
    /// - Parameter password: looks up the password of a user name; `nil` for an unknown user.
    public func verify(
        authorization: String?,
        method: String,
        uri: String,
        password: (String) -> String?
    ) -> Outcome {
        guard let authorization else { return .rejected(.missing) }
        guard let parameters = Self.parseDigestParameters(authorization) else {
            return .rejected(authorization.lowercased().hasPrefix("digest") ? .malformed : .notDigest)
        }
        guard let user = parameters["username"], let nonce = parameters["nonce"],
              let answeredURI = parameters["uri"], let response = parameters["response"],
              let answeredRealm = parameters["realm"] else {
            return .rejected(.malformed)
        }
        guard answeredRealm == realm else { return .rejected(.wrongRealm) }
        if let answeredAlgorithm = parameters["algorithm"], answeredAlgorithm.lowercased() != algorithm.rawValue.lowercased() {
            return .rejected(.unsupportedAlgorithm)
        }
        if parameters["algorithm"] == nil, algorithm != .md5 { return .rejected(.unsupportedAlgorithm) }
        guard nonces.withLock({ $0.contains(nonce) }) else { return .rejected(.unknownNonce) }
        if let answeredOpaque = parameters["opaque"], answeredOpaque != opaque { return .rejected(.wrongOpaque) }
        guard answeredURI == uri else { return .rejected(.uriMismatch) }
        guard let secret = password(user) else { return .rejected(.unknownUser) }

        let ha1 = hash("\(user):\(realm):\(secret)")
        let ha2 = hash("\(method):\(answeredURI)")
        let expected: String
        switch parameters["qop"] {
        case "auth":
            guard let count = parameters["nc"], let clientNonce = parameters["cnonce"] else { return .rejected(.malformed) }
            expected = hash("\(ha1):\(nonce):\(count):\(clientNonce):auth:\(ha2)")
        case nil:
            // RFC 2069 compatibility: no qop, no cnonce.
            expected = hash("\(ha1):\(nonce):\(ha2)")
        default:
            return .rejected(.unsupportedQop)
        }
        guard Self.constantTimeEqual(expected, response.lowercased()) else { return .rejected(.wrongResponse) }
        return .authenticated(user: user)
    }

    /// Checks `authorization` against a fixed table of user names and passwords.
    public func verify(authorization: String?, method: String, uri: String, credentials: [String: String]) -> Outcome {
        verify(authorization: authorization, method: method, uri: uri) { credentials[$0] }
    }

    /// Computes the client's `response` value, so tests and emulators can answer a challenge themselves.
    public func expectedResponse(
        user: String, password: String, method: String, uri: String, nonce: String, nc: String, cnonce: String
    ) -> String {
        let ha1 = hash("\(user):\(realm):\(password)")
        let ha2 = hash("\(method):\(uri)")
        return hash("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
    }

    /// Lower-case hex digest of `text` with this verifier's algorithm.
    public func hash(_ text: String) -> String {
        switch algorithm {
        case .md5: Self.hex(Insecure.MD5.hash(data: Array(text.utf8)))
        case .sha256: Self.hex(SHA256.hash(data: Array(text.utf8)))
        }
    }

    /// Splits `Digest k=v, k="v"` into a lower-cased-key dictionary; `nil` if it is not a well-formed Digest header.
    public static func parseDigestParameters(_ header: String) -> [String: String]? {
        let trimmed = header.drop { $0 == " " }
        guard trimmed.lowercased().hasPrefix("digest ") else { return nil }
        var scanner = ParameterScanner(Array(trimmed.dropFirst("digest ".count).utf8))
        var parameters: [String: String] = [:]
        while let (name, value) = scanner.next() {
            parameters[name.lowercased()] = value
        }
        return scanner.failed || parameters.isEmpty ? nil : parameters
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        for byte in digest {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    private static func randomHex(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Compares without an early exit, so timing does not reveal how much of a guess was right.
    private static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}

/// The most recent nonces handed out, oldest forgotten first.
private struct NonceBook {
    private var order: [String] = []
    private var known: Set<String> = []

    mutating func remember(_ nonce: String) {
        order.append(nonce)
        known.insert(nonce)
        if order.count > HTTPDigestVerifier.rememberedNonces {
            known.remove(order.removeFirst())
        }
    }

    func contains(_ nonce: String) -> Bool {
        known.contains(nonce)
    }
}

/// Reads `name=token` and `name="quoted \"string\""` pairs separated by commas.
private struct ParameterScanner {
    private let bytes: [UInt8]
    private var index = 0
    private(set) var failed = false

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func next() -> (String, String)? {
        skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\t") }
        guard index < bytes.count else { return nil }
        let nameStart = index
        skip { $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: " ") }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        skip { $0 == UInt8(ascii: " ") }
        guard !name.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
            failed = true
            return nil
        }
        index += 1
        skip { $0 == UInt8(ascii: " ") }
        guard index < bytes.count else {
            failed = true
            return nil
        }
        if bytes[index] == UInt8(ascii: "\"") {
            index += 1
            var value: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
                value.append(bytes[index])
                index += 1
            }
            guard index < bytes.count else {
                failed = true
                return nil
            }
            index += 1
            return (name, String(decoding: value, as: UTF8.self))
        }
        let valueStart = index
        skip { $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: " ") }
        return (name, String(decoding: bytes[valueStart..<index], as: UTF8.self))
    }

    private mutating func skip(while predicate: (UInt8) -> Bool) {
        while index < bytes.count, predicate(bytes[index]) { index += 1 }
    }
}
