import Foundation

/// Reads external contacts from vCard 3.0/4.0 text: `FN` (or `N`), every `TEL`, `ORG`.
///
/// Folded lines are unfolded, property groups (`item1.TEL`) and parameters are ignored, `tel:` URIs are
/// accepted. Input is never trusted: sizes are bounded and broken cards are skipped, never a crash.
public enum VCardContactParser {
    /// The entries of a vCard text, in file order.
    public static func parse(_ text: String) -> [ExternalContactEntry] {
        var entries: [ExternalContactEntry] = []
        var card: CardBuilder?
        for line in unfoldedLines(text) {
            guard entries.count < ContactFileLimits.maximumEntries else { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let nameAndParameters = line[..<colon]
            let value = String(line[line.index(after: colon)...])
            var property = nameAndParameters.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            if let dot = property.lastIndex(of: ".") { property = String(property[property.index(after: dot)...]) }
            switch property.uppercased() {
            case "BEGIN" where value.uppercased().hasPrefix("VCARD"):
                card = CardBuilder()
            case "END" where value.uppercased().hasPrefix("VCARD"):
                if let entry = card?.entry() { entries.append(entry) }
                card = nil
            case "FN":
                card?.formattedName = ContactFileLimits.clean(unescape(value))
            case "N":
                let parts = components(value).map(ContactFileLimits.clean)
                let ordered = [parts.count > 3 ? parts[3] : "", parts.count > 1 ? parts[1] : "",
                               parts.count > 2 ? parts[2] : "", parts[0], parts.count > 4 ? parts[4] : ""]
                card?.structuredName = ordered.filter { !$0.isEmpty }.joined(separator: " ")
            case "TEL":
                var number = unescape(value)
                if number.lowercased().hasPrefix("tel:") { number = String(number.dropFirst(4)) }
                if let semicolon = number.firstIndex(of: ";") { number = String(number[..<semicolon]) }
                let cleaned = ContactFileLimits.clean(number)
                if !cleaned.isEmpty { card?.numbers.append(cleaned) }
            case "ORG":
                card?.company = components(value).first.map(ContactFileLimits.clean)
            default:
                continue
            }
        }
        return entries
    }

    private struct CardBuilder {
        var formattedName = ""
        var structuredName = ""
        var numbers: [String] = []
        var company: String?

        func entry() -> ExternalContactEntry? {
            CSVContactParser.makeEntry(
                name: formattedName.isEmpty ? structuredName : formattedName, numbers: numbers, company: company)
        }
    }

    /// Lines with RFC 6350 folding undone (a line starting with a space or tab continues the previous one).
    static func unfoldedLines(_ text: String) -> [String] {
        var lines: [String] = []
        let maximumLineLength = ContactFileLimits.maximumFieldLength * 16
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            if let first = rawLine.first, first == " " || first == "\t", !lines.isEmpty {
                if lines[lines.count - 1].count < maximumLineLength { lines[lines.count - 1] += rawLine.dropFirst() }
            } else {
                lines.append(String(rawLine.prefix(maximumLineLength)))
            }
        }
        return lines
    }

    /// Splits a structured value at unescaped `;` and unescapes each part.
    static func components(_ value: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in value {
            if escaped {
                current.append("\\")
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ";" {
                parts.append(unescape(current))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(unescape(current))
        return parts
    }

    static func unescape(_ value: String) -> String {
        var result = ""
        var escaped = false
        for character in value {
            if escaped {
                switch character {
                case "n", "N": result.append(" ")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
