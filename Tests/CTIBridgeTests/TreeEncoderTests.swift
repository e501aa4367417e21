import CallModel
import Foundation
import PhoneDrivers
import Presence
import Synchronization
import Testing

@testable import CTIBridge

/// `TreeEncoder` must write exactly the bytes of `JSONCoding.encoder()` (Foundation's encoder): these tests
/// compare the two over every type the bridge publishes, returns or stores.
@Suite("Tree encoder")
struct TreeEncoderTests {
    static let awkward = [
        "", "plain", "Zoë Müller", "Carol Díaz", "日本語", "emoji 📞☎️", "quote \" and backslash \\", "slash / and </tag>",
        "tab\tnewline\ncarriage\rformfeed\u{0C}backspace\u{08}", "nul \u{0} bell \u{07} esc \u{1B} us \u{1F} del \u{7F}",
        "line sep \u{2028} para sep \u{2029}", "\u{FEFF}bom", "a very long name " + String(repeating: "x", count: 300),
    ]

    func expectSameBytes<Value: Encodable>(_ value: Value, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let foundation = Array(try JSONCoding.encoder().encode(value))
        let tree = try TreeEncoder.encode(value)
        #expect(
            tree == foundation,
            "\(String(decoding: tree, as: UTF8.self))\n≠ Foundation\n\(String(decoding: foundation, as: UTF8.self))",
            sourceLocation: sourceLocation)
    }

    @Test("strings with every kind of escape, top-level scalars, integers at their limits, nested collections")
    func scalarsAndCollections() throws {
        var everyByte = ""
        for scalar in (0..<0x80).compactMap(Unicode.Scalar.init) { everyByte.unicodeScalars.append(scalar) }
        for text in Self.awkward + [everyByte] { try expectSameBytes(text) }
        try expectSameBytes([Int.min, Int.max, 0, -1])
        try expectSameBytes([Int8.min: "a"].mapValues { $0 })
        try expectSameBytes(Limits())
        try expectSameBytes([true, false])
        try expectSameBytes(["b": [1, 2], "a": [], "/": [3], "B": [4], "ä": [5], "aa": [6]])
        try expectSameBytes([[String: [Bool?]]]([["x": [nil, true]], [:]]))
        try expectSameBytes(Date(timeIntervalSince1970: 1_800_000_000.123_456))
        try expectSameBytes(Optional<String>.none)
        try expectSameBytes([3: "three", 1: "one", 20: "twenty"])
        try expectSameBytes(Nesting())
        try expectSameBytes([Empty()])
    }

    @Test("what TreeEncoder does not write itself goes to Foundation through JSONCoding.encode")
    func unsupportedFallsBack() throws {
        #expect(throws: TreeEncoder.Unsupported.self) { try TreeEncoder.encode(["x": 1.5]) }
        #expect(throws: TreeEncoder.Unsupported.self) { try TreeEncoder.encode(Data([1, 2])) }
        #expect(throws: TreeEncoder.Unsupported.self, "Foundation refuses it at the top") { try TreeEncoder.encode(Empty()) }
        #expect(JSONCoding.encode(["x": 1.5, "y": 2]) == Array(try JSONCoding.encoder().encode(["x": 1.5, "y": 2])))
        #expect(JSONCoding.encode(URL(string: "http://x/y")!) == Array(try JSONCoding.encoder().encode(URL(string: "http://x/y")!)))
    }

    @Test("phone objects, bridge state, command results, health")
    func bridgePayloads() throws {
        let seen = Date(timeIntervalSince1970: 1_800_000_123.4567)
        for (index, text) in Self.awkward.enumerated() {
            let status = PhoneStatus(
                online: index % 2 == 0, lastSeen: index % 3 == 0 ? nil : seen,
                error: index % 4 == 0 ? nil : PhoneStatusError(code: "rejected", message: text))
            try expectSameBytes(
                PhonePayload(
                    id: "p\(index)", driver: "yealink", agent: index % 2 == 0 ? nil : text,
                    capabilities: Set(PhoneCapability.allCases.prefix(index)), status: status))
            try expectSameBytes(CommandResult.success(requestID: text, callID: index % 2 == 0 ? nil : "c1", changes: [text]))
            try expectSameBytes(CommandResult.failure(CommandFailure(.noCall, text, requestID: index % 2 == 0 ? nil : text)))
        }
        try expectSameBytes(BridgeStatePayload(state: .online, id: "site-a", version: "1.2.3", startedAt: seen))
        try expectSameBytes(HealthPayload(status: "ok", mqtt: "connected"))
    }

    @Test("every object of random desks: agents, calls, queues, notifications, contacts, snapshots, history")
    func deskObjects() throws {
        for seed in UInt64(1)...60 {
            var random = SeededGenerator(seed: seed)
            var desk = RandomDesk(random: &random)
            for _ in 0..<40 {
                for effect in desk.step(&random) {
                    switch effect {
                    case .notify(_, let notification): try expectSameBytes(notification)
                    case .callChanged(let call), .callEnded(let call): try expectSameBytes(call)
                    case .historyAdded(let entry): try expectSameBytes(entry)
                    default: break
                    }
                }
                try expectSameBytes(desk.desk.agentObjects)
                try expectSameBytes(desk.desk.queueObjects)
                try expectSameBytes(desk.desk.liveCalls)
                for call in desk.desk.liveCalls { try expectSameBytes(desk.desk.liveCall(call.id)) }
                for agent in desk.desk.agentIDs { try expectSameBytes(desk.desk.agentState(agent)) }
                try expectSameBytes(desk.desk.searchContacts(""))
                try expectSameBytes(desk.desk.snapshot())
            }
        }
    }
}

private struct Limits: Encodable {
    var int8 = Int8.min, int16 = Int16.max, int32 = Int32.min, int64 = Int64.max
    var uint = UInt.max, uint8 = UInt8.max, uint16 = UInt16.max, uint32 = UInt32.max, uint64 = UInt64.max
    var nothing: String? = nil
    var present: String? = "x"
}

/// Nested, unkeyed and super encoders, as some hand-written `encode(to:)` use them.
private struct Nesting: Encodable {
    enum Keys: String, CodingKey { case z, a, list, parent, m }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .z)
        var list = container.nestedUnkeyedContainer(forKey: .list)
        try container.encode("later", forKey: .a)
        try nested.encode(1, forKey: .m)
        try list.encode("one")
        var inner = list.nestedContainer(keyedBy: Keys.self)
        try inner.encodeNil(forKey: .a)
        var deeper = list.nestedUnkeyedContainer()
        try deeper.encode(true)
        let parent = container.superEncoder(forKey: .parent)
        var parentContainer = parent.singleValueContainer()
        try parentContainer.encode("from super")
        _ = container.superEncoder()
        try container.encode("twice", forKey: .a)
    }
}

private struct Empty: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

/// A desk with awkward names, fed random calls, commands and time.
private struct RandomDesk {
    var desk: AgentDesk
    var now = Date(timeIntervalSince1970: 1_800_000_000.0005)
    let phones = ["a-desk", "a-soft", "b-desk"]

    init(random: inout SeededGenerator) {
        let names = TreeEncoderTests.awkward
        let configuration = DeskConfiguration(
            agents: [
                AgentDefinition(
                    id: "alice", name: names.randomElement(using: &random)!, extensionNumber: "201",
                    queues: ["sales", "support"], phones: ["a-desk", "a-soft"]),
                AgentDefinition(id: "bob", name: names.randomElement(using: &random)!, queues: ["sales"], phones: ["b-desk"]),
            ],
            queues: [
                QueueDefinition(id: "sales", name: names.randomElement(using: &random)!, wrapSeconds: 5, numbers: ["+442079460100"]),
                QueueDefinition(id: "support", name: "Support"),
            ],
            presences: [
                PresenceDefinition(id: "available", name: "Available", availability: .available),
                PresenceDefinition(id: "away", name: names.randomElement(using: &random)!, availability: .unavailable),
            ],
            defaultCountry: "GB", maxRingSeconds: ["a-desk": 30])
        let contacts = names.enumerated().map { ExternalContactEntry(name: $1.isEmpty ? "x" : $1, numbers: ["+4416329601\($0 + 10)"], company: $1) }
        let counter = Counter()
        desk = AgentDesk(configuration: configuration, contacts: contacts, now: now, makeCallID: { counter.next() })
    }

    mutating func step(_ random: inout SeededGenerator) -> [DeskEffect] {
        now = now.addingTimeInterval(Double.random(in: 0...8, using: &random))
        let phone = phones.randomElement(using: &random)!
        let call = PhoneCallID(["1", "2"].randomElement(using: &random)!)
        let party = CallParty(address: ["+441632960110", "sip:201@pbx", "Zoë <sip:0163296011@x>", nil].randomElement(using: &random)!)
        let agent = ["alice", "bob"].randomElement(using: &random)!
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1:
            return desk.handle(PhoneEvent(phoneID: phone, at: now, kind: .delivered(call: call, remote: party, dialled: "+442079460100")), now: now)
        case 2: return desk.handle(PhoneEvent(phoneID: phone, at: now, kind: .serviceInitiated(call: call, remote: party)), now: now)
        case 3: return desk.handle(PhoneEvent(phoneID: phone, at: now, kind: .established(call: call, remote: party)), now: now)
        case 4: return desk.handle(PhoneEvent(phoneID: phone, at: now, kind: .held(call: call)), now: now)
        case 5: return desk.handle(PhoneEvent(phoneID: phone, at: now, kind: .connectionCleared(call: call, cause: .normal)), now: now)
        case 6:
            let commands: [AgentCommand] = [
                .login, .ready, .away, .dnd(on: true), .dnd(on: false), .forward(to: "+447700900123"),
                .presence("away", message: TreeEncoderTests.awkward.randomElement(using: &random)!.filter { !$0.isNewline && $0.asciiValue.map { $0 >= 0x20 } ?? true }),
                .favorite(contact: "bob", on: true), .queue("support", enabled: false),
            ]
            return (try? desk.perform(commands.randomElement(using: &random)!, agent: agent, now: now).get().effects) ?? []
        case 7: return desk.phoneStatusChanged(phone, online: Bool.random(using: &random), now: now)
        default: return desk.tick(now: now)
        }
    }
}

private final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> String {
        value.withLock { value in
            value += 1
            return "call-\(value)"
        }
    }
}
