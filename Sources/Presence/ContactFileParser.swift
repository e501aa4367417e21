import Foundation

/// Reads an external contacts file in either format, telling CSV and vCard apart by content.
public enum ContactFileParser {
    /// The entries of the file's text: vCard when it holds `BEGIN:VCARD`, CSV otherwise.
    public static func parse(_ text: String) -> [ExternalContactEntry] {
        if text.range(of: "BEGIN:VCARD", options: .caseInsensitive) != nil {
            return VCardContactParser.parse(text)
        }
        return CSVContactParser.parse(text)
    }
}
