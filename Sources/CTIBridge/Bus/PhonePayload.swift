import CallModel
import Foundation
import PhoneDrivers

/// `P/phones/{phoneId}`: one phone's reachability and what it can do. Carries no credentials.
struct PhonePayload: Codable, Equatable, Sendable {
    var id: String
    var driver: String
    var agent: String?
    var online: Bool
    var lastSeen: Date?
    var capabilities: [PhoneCapability]
    var error: PhoneStatusError?

    init(id: String, driver: String, agent: String?, capabilities: Set<PhoneCapability>, status: PhoneStatus) {
        self.id = id
        self.driver = driver
        self.agent = agent
        self.online = status.online
        self.lastSeen = status.lastSeen
        self.capabilities = capabilities.sorted()
        self.error = status.error
    }

    // Absent values are written as null, as the contract shows them, rather than left out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(driver, forKey: .driver)
        try container.encode(agent, forKey: .agent)
        try container.encode(online, forKey: .online)
        try container.encode(lastSeen, forKey: .lastSeen)
        try container.encode(capabilities, forKey: .capabilities)
        try container.encode(error, forKey: .error)
    }
}
