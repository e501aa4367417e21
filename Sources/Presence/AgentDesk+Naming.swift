import CallModel
import Foundation

extension AgentDesk {
    /// The remote party of a call: the number normalised, named from internal contacts first, then external
    /// ones, then the display name the phone reported.
    func remote(for party: CallParty?) -> CallRemote {
        let displayName = party?.displayName.map(ContactFileLimits.clean).flatMap { $0.isEmpty ? nil : $0 }
        guard let user = party?.userPart.map(ContactFileLimits.clean), !user.isEmpty else {
            return CallRemote(number: "anonymous", name: displayName)
        }
        let number = normalizer.normalize(user) ?? user
        if let name = contactName(number: number, user: user) {
            return CallRemote(number: number, name: name)
        }
        let useful = displayName.flatMap { name in normalizer.same(name, number) || name == user ? nil : name }
        return CallRemote(number: number, name: useful)
    }

    /// The contact name for a number: an agent with that extension (or that SIP user name), else an external
    /// contact with that number.
    func contactName(number: String, user: String) -> String? {
        if let agent = agentByNumber[number] ?? (definitions[user] != nil ? user : nil) {
            return definitions[agent]?.name
        }
        return directory.contact(number: number)?.callerName
    }

    /// The queue whose number the caller dialled, if any.
    func queue(dialled: String?) -> String? {
        guard let dialled, let number = normalizer.normalize(CallParty(address: dialled).userPart ?? dialled) else {
            return nil
        }
        return queueByNumber[number]
    }

    private static func isCallIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// A new call id that is safe in a topic level and not used by a live call.
    func newCallID() -> String {
        let raw = makeCallID()
        // ASCII letters, digits and "-_." by byte: CharacterSet look-ups cost more than the rest of a new call.
        var id = String(decoding: raw.utf8.lazy.filter(Self.isCallIDByte).prefix(64), as: UTF8.self)
        if id.isEmpty { id = "call" }
        var candidate = id
        var suffix = 1
        while book[candidate] != nil {
            suffix += 1
            candidate = "\(id)-\(suffix)"
        }
        return candidate
    }
}
