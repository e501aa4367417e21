import Foundation

/// Reads external contacts from CSV text: name, number(s), company.
///
/// With a header row, columns are found by name (`name`, `first name`/`last name`, any `phone`/`number`/`tel`/
/// `mobile` column, `company`/`organisation`). Without one, the first column is the name, cells that look like
/// numbers are numbers and the first other cell is the company. A cell may hold several numbers separated by
/// `;`. Quoted fields (RFC 4180) may contain commas, quotes (`""`) and line breaks. Input is never trusted:
/// unterminated quotes, huge fields and rows are bounded, never a crash.
public enum CSVContactParser {
    /// The entries of a CSV text, in file order; rows with neither name nor number are skipped.
    public static func parse(_ text: String) -> [ExternalContactEntry] {
        let rows = records(text)
        guard let first = rows.first else { return [] }
        let layout = HeaderLayout(header: first)
        var entries: [ExternalContactEntry] = []
        for row in rows.dropFirst(layout == nil ? 0 : 1) {
            guard entries.count < ContactFileLimits.maximumEntries else { break }
            let entry = layout.map { $0.entry(from: row) } ?? positionalEntry(row)
            if let entry { entries.append(entry) }
        }
        return entries
    }

    /// Splits CSV text into rows of fields (comma separated, RFC 4180 quoting, CRLF/LF/CR line ends).
    static func records(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = String.UnicodeScalarView()
        var fieldLength = 0
        var inQuotes = false
        var fieldStarted = false
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        // Generous raw bound; `ContactFileLimits.clean` cuts to the stored length later.
        let rawFieldLimit = ContactFileLimits.maximumFieldLength * 8

        func endField() {
            if row.count < ContactFileLimits.maximumColumns { row.append(String(field)) }
            field = String.UnicodeScalarView()
            fieldLength = 0
            fieldStarted = false
        }
        func endRow() {
            endField()
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row = []
        }
        func append(_ scalar: Unicode.Scalar) {
            fieldStarted = true
            guard fieldLength < rawFieldLimit else { return }
            field.append(scalar)
            fieldLength += 1
        }

        if index < scalars.endIndex, scalars[index] == "\u{FEFF}" { index = scalars.index(after: index) }
        while index < scalars.endIndex {
            // Rows beyond the entry limit (plus a header) are never read.
            if rows.count > ContactFileLimits.maximumEntries { return rows }
            let scalar = scalars[index]
            index = scalars.index(after: index)
            if inQuotes {
                if scalar == "\"" {
                    if index < scalars.endIndex, scalars[index] == "\"" {
                        append("\"")
                        index = scalars.index(after: index)
                    } else {
                        inQuotes = false
                    }
                } else {
                    append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where !fieldStarted:
                inQuotes = true
                fieldStarted = true
            case ",":
                endField()
            case "\r":
                if index < scalars.endIndex, scalars[index] == "\n" { index = scalars.index(after: index) }
                endRow()
            case "\n":
                endRow()
            default:
                append(scalar)
            }
        }
        if fieldStarted || !row.isEmpty { endRow() }
        return rows
    }

    private static func positionalEntry(_ row: [String]) -> ExternalContactEntry? {
        guard let first = row.first else { return nil }
        var numbers: [String] = []
        var company: String?
        for cell in row.dropFirst() {
            let numbersInCell = ContactFileLimits.splitNumbers(cell)
            if !numbersInCell.isEmpty, numbersInCell.allSatisfy(ContactFileLimits.looksLikeNumber) {
                numbers += numbersInCell
            } else if company == nil {
                let cleaned = ContactFileLimits.clean(cell)
                if !cleaned.isEmpty { company = cleaned }
            }
        }
        return makeEntry(name: ContactFileLimits.clean(first), numbers: numbers, company: company)
    }

    static func makeEntry(name: String, numbers: [String], company: String?) -> ExternalContactEntry? {
        var unique: [String] = []
        for number in numbers where !unique.contains(number) && unique.count < ContactFileLimits.maximumNumbersPerEntry {
            unique.append(number)
        }
        let name = name.isEmpty ? (unique.first ?? "") : name
        guard !name.isEmpty else { return nil }
        return ExternalContactEntry(name: name, numbers: unique, company: company.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Which columns hold what, read from a header row.
    private struct HeaderLayout: Equatable {
        var name: Int?
        var firstName: Int?
        var lastName: Int?
        var numbers: [Int] = []
        var company: Int?

        init?(header: [String]) {
            for (column, cell) in header.enumerated() {
                let title = cell.lowercased().trimmingCharacters(in: .whitespaces)
                if ["company", "organisation", "organization", "org", "firm", "employer"].contains(title)
                    || title.hasPrefix("company") {
                    if company == nil { company = column }
                } else if ["first name", "firstname", "given name", "first_name"].contains(title) {
                    firstName = column
                } else if ["last name", "lastname", "surname", "family name", "last_name"].contains(title) {
                    lastName = column
                } else if ["phone", "number", "tel", "mobile", "cell", "fax", "telephone"].contains(where: title.contains) {
                    numbers.append(column)
                } else if title == "name" || title.contains("name") || title == "contact" {
                    if name == nil { name = column }
                }
            }
            if name == nil && firstName == nil && lastName == nil && numbers.isEmpty { return nil }
        }

        func entry(from row: [String]) -> ExternalContactEntry? {
            func cell(_ column: Int?) -> String {
                guard let column, column < row.count else { return "" }
                return ContactFileLimits.clean(row[column])
            }
            var name = cell(self.name)
            if name.isEmpty {
                name = [cell(firstName), cell(lastName)].filter { !$0.isEmpty }.joined(separator: " ")
            }
            let numbers = self.numbers.flatMap { column -> [String] in
                guard column < row.count else { return [] }
                return ContactFileLimits.splitNumbers(row[column])
            }
            return CSVContactParser.makeEntry(name: name, numbers: numbers, company: cell(company))
        }
    }
}
