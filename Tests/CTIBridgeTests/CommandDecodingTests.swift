import Foundation
import Logging
import Testing

@testable import CTIBridge

@Suite("Command decoding")
struct CommandDecodingTests {
    func decode(_ json: String) -> Result<CommandRequest, CommandFailure> {
        CommandRequest.decode(Array(json.utf8))
    }

    @Test("every action of the contract decodes")
    func everyAction() throws {
        let bodies = [
            #"{"action":"dial","to":"+441632960123","requestId":"crm-7781"}"#, #"{"action":"dial","to":"201","phone":"desk"}"#,
            #"{"action":"answer"}"#, #"{"action":"answer","callId":"c1"}"#, #"{"action":"hangup"}"#, #"{"action":"hold"}"#,
            #"{"action":"resume","callId":"c1"}"#, #"{"action":"transfer","to":"202"}"#, #"{"action":"dnd","on":true}"#,
            #"{"action":"forward","to":"0800 123 456"}"#, #"{"action":"forward","to":null}"#, #"{"action":"login"}"#,
            #"{"action":"logout"}"#, #"{"action":"ready"}"#, #"{"action":"away"}"#, #"{"action":"endWrap"}"#,
            #"{"action":"extendWrap"}"#, #"{"action":"queue","queue":"sales","enabled":false}"#,
            #"{"action":"presence","id":"meeting","message":"On the road (until 4pm)"}"#, #"{"action":"presence","id":"available"}"#,
            #"{"action":"mode","mode":"softphone"}"#, #"{"action":"favorite","contact":"bob","on":true}"#, #"{"action":"resync"}"#,
        ]
        var actions: Set<String> = []
        for body in bodies {
            guard case .success(let request) = decode(body) else {
                Issue.record("refused: \(body)")
                continue
            }
            if let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] {
                actions.insert(object["action"] as! String)
            }
            _ = request
        }
        #expect(actions == Set(CommandAction.names))
        #expect(try decode(#"{"action":"dial","to":"+44 1632 960123","requestId":"r"}"#).get() ==
            CommandRequest(requestID: "r", action: .dial(to: try .init(validating: "+441632960123"), phone: nil)))
    }

    @Test("the request id comes back even when the command is refused")
    func requestIDKept() {
        guard case .failure(let failure) = decode(#"{"action":"dial","to":"12&x","requestId":"crm-1"}"#) else {
            Issue.record("accepted"); return
        }
        #expect(failure.requestID == "crm-1")
        #expect(failure.code == .invalidNumber)
    }

    @Test("expiresAt is an RFC 3339 time; anything else is badRequest")
    func expiresAt() throws {
        let request = try decode(#"{"action":"ready","requestId":"r","expiresAt":"2026-11-26T20:15:00.250Z"}"#).get()
        #expect(request.expiresAt == Date(timeIntervalSince1970: 1_795_724_100.25))
        #expect(try decode(#"{"action":"ready","expiresAt":"2026-11-26T20:15:00Z"}"#).get().expiresAt != nil)
        for body in [
            #"{"action":"ready","expiresAt":"tomorrow","requestId":"r"}"#, #"{"action":"ready","expiresAt":1795724100,"requestId":"r"}"#,
            #"{"action":"ready","expiresAt":"2026-11-26 20:15","requestId":"r"}"#,
        ] {
            guard case .failure(let failure) = decode(body) else { Issue.record("accepted \(body)"); continue }
            #expect(failure.code == .badRequest)
            #expect(failure.message.contains("expiresAt"))
            #expect(failure.requestID == "r")
        }
    }

    /// Never a crash, never an accepted command with an invalid dial target: random bytes, random JSON and
    /// mutations of valid commands (seeded, so a failure reproduces).
    @Test("fuzzed command bodies never crash the decoder and never yield an invalid dial")
    func fuzz() {
        var generator = SeededGenerator(seed: 0xC7B1_D9E5)
        let valid = [
            #"{"action":"dial","to":"+441632960123","requestId":"a"}"#, #"{"action":"queue","queue":"q","enabled":true}"#,
            #"{"action":"presence","id":"x","message":"m"}"#, #"{"action":"forward","to":null}"#,
        ]
        let alphabet = Array(#"{}[]":,\ntrue false null 0123456789+-*#&;%<>"'abcdefghijklmnopqrstuvwxyz\u{0}é"#.utf8)
        var accepted = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case 1:
                bytes = (0..<Int.random(in: 0...80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            default:
                bytes = Array(valid.randomElement(using: &generator)!.utf8)
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] = alphabet.randomElement(using: &generator)!
                }
            }
            if case .success(let request) = CommandRequest.decode(bytes) {
                accepted += 1
                if case .dial(let to, _) = request.action {
                    #expect(to.value.allSatisfy { "+0123456789*#".contains($0) } || to.value.hasPrefix("sip:"))
                }
            }
        }
        #expect(accepted > 0, "some mutations stay valid, so the decoder is really exercised")
    }
}

/// A small deterministic generator (SplitMix64) so fuzz failures can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
