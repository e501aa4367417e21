import Foundation

/// Validates an agent's free-text status message (`On the road (until 4pm)`).
public enum PresenceMessage {
    /// The longest message accepted, in characters.
    public static let maximumLength = 200

    /// The message to store: trimmed, `nil` when empty; refuses control characters and over-long text.
    public static func validate(_ raw: String?) throws(AgentCommandError) -> String? {
        guard let raw else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        if trimmed.count > maximumLength {
            throw .badRequest("the presence message has \(trimmed.count) characters; at most \(maximumLength) are allowed")
        }
        if trimmed.unicodeScalars.contains(where: isControl) {
            throw .badRequest("the presence message contains a control character (line break, tab, escape); use plain text")
        }
        return trimmed
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
