/// A validated destination a phone may be asked to dial: a number of digits, `+`, `*`, `#`, or a SIP URI.
///
/// Everything that reaches a driver as a dial target is a `DialString`, so an unvalidated string can never
/// become a phone request. Input formatting (spaces, dashes, dots, brackets) is accepted and removed; anything
/// else that could change the meaning of a vendor request (`&`, `;`, `%`, quotes, angle brackets, CR/LF) is
/// refused, because the vendors' HTTP APIs would read it as extra parameters or key presses.
public struct DialString: Sendable, Hashable, CustomStringConvertible {
    /// What kind of destination this is.
    public enum Kind: Sendable, Hashable {
        /// Digits with an optional leading `+`, and `*`/`#` for feature codes.
        case number
        /// A `sip:user@host[:port]` URI, for drivers that dial URIs (baresip, internal calls).
        case sipURI
    }

    /// The longest number accepted (E.164 allows 15 digits; feature codes and prefixes need some room).
    public static let maximumNumberLength = 32
    /// The longest SIP URI accepted.
    public static let maximumURILength = 128

    /// The canonical form: formatting removed for numbers, the URI as given for SIP URIs.
    public let value: String
    /// Whether this is a number or a SIP URI.
    public let kind: Kind

    public var description: String { value }

    /// Validates `raw`; throws a `DialStringError` that says what is wrong with it.
    public init(validating raw: String) throws(DialStringError) {
        let trimmed = raw.trimmingSpaces()
        if trimmed.isEmpty { throw .empty }
        if trimmed.lowercased().hasPrefix("sip:") {
            self.value = try Self.validateSIPURI(trimmed)
            self.kind = .sipURI
        } else {
            self.value = try Self.validateNumber(trimmed)
            self.kind = .number
        }
    }

    /// Characters people and CRMs put in numbers only for readability.
    private static let formatting: Set<Character> = [" ", "-", ".", "(", ")", "\u{00A0}", "/"]

    private static func validateNumber(_ input: String) throws(DialStringError) -> String {
        var result = ""
        for (offset, character) in input.enumerated() {
            if formatting.contains(character) { continue }
            switch character {
            case "0"..."9", "*", "#":
                result.append(character)
            case "+" where result.isEmpty:
                result.append(character)
            case "+":
                throw .misplacedPlus
            default:
                throw .invalidCharacter(character, offset: offset)
            }
        }
        if result.isEmpty || result == "+" { throw .empty }
        if result.count > maximumNumberLength { throw .tooLong(maximum: maximumNumberLength) }
        return result
    }

    private static func validateSIPURI(_ input: String) throws(DialStringError) -> String {
        guard input.count <= maximumURILength else { throw .tooLong(maximum: maximumURILength) }
        let body = input.dropFirst(4)
        let parts = body.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalidSIPURI("expected sip:user@host")
        }
        for (offset, character) in parts[0].enumerated() where !isSIPUserCharacter(character) {
            throw .invalidCharacter(character, offset: 4 + offset)
        }
        let hostAndPort = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard hostAndPort.count <= 2 else { throw .invalidSIPURI("the host may carry one :port") }
        let host = hostAndPort[0]
        guard !host.isEmpty, host.allSatisfy(isHostCharacter), !host.hasPrefix("."), !host.hasPrefix("-") else {
            throw .invalidSIPURI("the host must be a name or an IPv4 address")
        }
        if hostAndPort.count == 2 {
            guard let port = Int(hostAndPort[1]), (1...65535).contains(port) else {
                throw .invalidSIPURI("the port must be a number from 1 to 65535")
            }
        }
        return "sip:" + body
    }

    private static func isSIPUserCharacter(_ character: Character) -> Bool {
        guard character.isASCII else { return false }
        return character.isLetter || character.isNumber || "._~*#+-!".contains(character)
    }

    private static func isHostCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "-")
    }
}

/// Why a dial string was refused; its description is a message an agent or CRM developer can act on.
public enum DialStringError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(maximum: Int)
    case invalidCharacter(Character, offset: Int)
    case misplacedPlus
    case invalidSIPURI(String)

    public var description: String {
        switch self {
        case .empty:
            "the number is empty"
        case .tooLong(let maximum):
            "the number is longer than \(maximum) characters"
        case .invalidCharacter(let character, let offset):
            "character \(Self.visible(character)) at position \(offset + 1) is not allowed in a number "
                + "(digits, +, *, # and a sip:user@host URI only)"
        case .misplacedPlus:
            "+ is allowed only at the start of a number"
        case .invalidSIPURI(let reason):
            "not a valid SIP URI: \(reason)"
        }
    }

    /// Shows control characters as escapes so that a message never carries a raw CR/LF into logs or JSON.
    private static func visible(_ character: Character) -> String {
        let scalars = character.unicodeScalars
        if scalars.allSatisfy({ $0.properties.isWhitespace == false && $0.value >= 0x20 && $0.value != 0x7F }) {
            return "'\(character)'"
        }
        return scalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
