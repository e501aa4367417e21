/// The contract's contact object: an internal contact (an agent) or an external one (the contacts file).
public struct Contact: Sendable, Equatable, Codable {
    /// Internal contacts are agents; external ones come from the contacts file.
    public enum Kind: String, Sendable, Codable {
        case `internal`
        case external
    }

    /// The agent id for internal contacts; a stable content-derived id for external ones.
    public var id: String
    public var kind: Kind
    public var name: String
    /// Normalised where possible (E.164), else as written.
    public var numbers: [String]
    public var company: String?
    /// Internal contacts only.
    public var status: AgentStatus?
    /// Internal contacts only.
    public var presence: PresenceSnapshot?

    /// Creates a contact.
    public init(
        id: String, kind: Kind, name: String, numbers: [String], company: String? = nil, status: AgentStatus? = nil,
        presence: PresenceSnapshot? = nil
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.numbers = numbers
        self.company = company
        self.status = status
        self.presence = presence
    }

    /// How a caller is named from this contact: `Bob Jones (Acme)`, or just the name.
    public var callerName: String {
        if let company, !company.isEmpty, company != name { return "\(name) (\(company))" }
        return name
    }
}
