@testable import PhoneDrivers
import Testing

@Suite("baresip ctrl_tcp JSON messages")
struct BaresipMessageTests {
    @Test("an event as baresip 1.0.0 sends it")
    func event() throws {
        let json = #"{"event":true,"type":"CALL_INCOMING","class":"call","accountaor":"sip:b@127.0.0.1:5070","direction":"incoming","peeruri":"sip:a@127.0.0.1:5060","peerdisplayname":"Alice","id":"e4378b4408e5dc8e","param":"sip:a@127.0.0.1:5060"}"#
        let message = try #require(BaresipMessage(json: Array(json.utf8)))
        #expect(message.kind == .event)
        #expect(message.type == "CALL_INCOMING")
        #expect(message.callID == "e4378b4408e5dc8e")
        #expect(message.peerURI == "sip:a@127.0.0.1:5060")
        #expect(message.peerDisplayName == "Alice")
        #expect(!message.isOutgoing)
    }

    @Test("an event whose event flag is the string \"true\", as baresip's documentation shows it")
    func stringFlag() {
        let json = #"{"event":"true","type":"CALL_CLOSED","id":"x","param":"486 Busy Here"}"#
        #expect(BaresipMessage(json: Array(json.utf8))?.type == "CALL_CLOSED")
    }

    @Test("a command response carries ok, data and token")
    func response() {
        let json = #"{"response":true,"ok":true,"data":"\n--- User Agents (1) ---\n","token":"t1"}"#
        let message = BaresipMessage(json: Array(json.utf8))
        #expect(message?.kind == .response(ok: true, data: "\n--- User Agents (1) ---\n", token: "t1"))
    }

    @Test("anything else is not a message", arguments: [
        "", "not json", "[1,2]", #"{"event":true}"#, #"{"type":"CALL_CLOSED"}"#, #"{"event":false,"type":"X"}"#,
        #"{"event":true,"type":7}"#,
    ])
    func refused(json: String) {
        #expect(BaresipMessage(json: Array(json.utf8)) == nil)
    }

    @Test("an overlong caller display name is cut")
    func longField() {
        let name = String(repeating: "N", count: 5000)
        let json = #"{"event":true,"type":"CALL_INCOMING","id":"1","peerdisplayname":"\#(name)"}"#
        #expect(BaresipMessage(json: Array(json.utf8))?.peerDisplayName?.count == BaresipMessage.maximumFieldLength)
    }
}
