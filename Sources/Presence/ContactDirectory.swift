import CallModel
import Foundation

/// The external contacts with the indexes that naming callers and searching need.
struct ContactDirectory: Sendable, Equatable {
    private(set) var contacts: [Contact] = []
    private var foldedNames: [String] = []
    private var numberDigits: [[String]] = []
    private var byNumber: [String: Int] = [:]
    private var byID: [String: Int] = [:]

    init() {}

    /// Builds the directory from file entries; numbers are normalised, duplicate ids get a `-2`, `-3`… suffix.
    init(entries: [ExternalContactEntry], normalizer: PhoneNumberNormalizer) {
        for entry in entries.prefix(ContactFileLimits.maximumEntries) {
            var id = entry.stableID
            var duplicate = 1
            while byID[id] != nil {
                duplicate += 1
                id = entry.stableID + "-\(duplicate)"
            }
            let numbers = entry.numbers.map { normalizer.normalize($0) ?? $0 }
            let contact = Contact(id: id, kind: .external, name: entry.name, numbers: numbers, company: entry.company)
            byID[id] = contacts.count
            for number in numbers where byNumber[number] == nil { byNumber[number] = contacts.count }
            contacts.append(contact)
            foldedNames.append(ContactSearch.fold(entry.name + " " + (entry.company ?? "")))
            numberDigits.append(numbers.map(ContactSearch.digits))
        }
    }

    func contact(id: String) -> Contact? { byID[id].map { contacts[$0] } }

    /// The first contact with this normalised number.
    func contact(number: String) -> Contact? { byNumber[number].map { contacts[$0] } }

    /// Contacts whose name (or company) or number matches the query.
    func search(_ query: ContactSearch) -> [Contact] {
        contacts.indices.filter { query.matches(foldedName: foldedNames[$0], numberDigits: numberDigits[$0]) }
            .map { contacts[$0] }
    }
}

/// A contacts query: case- and accent-insensitive name substring, or digits of a number in any formatting.
public struct ContactSearch: Sendable {
    let foldedText: String
    let digitCandidates: [String]

    /// Prepares a query; numbers are also tried in normalised form (`020 7946` finds `+442079460100`).
    public init(_ query: String, normalizer: PhoneNumberNormalizer) {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        foldedText = Self.fold(trimmed)
        if ContactFileLimits.looksLikeNumber(trimmed) || (trimmed.count == 1 && trimmed.first?.isNumber == true) {
            var candidates = [Self.digits(trimmed)]
            if let normalized = normalizer.normalize(trimmed) {
                let digits = Self.digits(normalized)
                if !candidates.contains(digits) { candidates.append(digits) }
            }
            digitCandidates = candidates.filter { !$0.isEmpty }
        } else {
            digitCandidates = []
        }
    }

    /// Whether the query is empty (matches everything).
    var isEmpty: Bool { foldedText.isEmpty }

    func matches(foldedName: String, numberDigits: [String]) -> Bool {
        if isEmpty { return true }
        if !digitCandidates.isEmpty {
            return numberDigits.contains { number in digitCandidates.contains { number.contains($0) } }
        }
        return foldedName.contains(foldedText)
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    static func digits(_ text: String) -> String {
        String(text.filter { $0.isASCII && $0.isNumber })
    }
}
