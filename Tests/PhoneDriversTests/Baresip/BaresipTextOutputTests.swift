import CallModel
@testable import PhoneDrivers
import Testing

@Suite("baresip menu output parsing")
struct BaresipTextOutputTests {
    @Test("listcalls lines, as baresip 1.0.0 prints them")
    func listCalls() {
        let text = """

            --- Active calls (3) ---
              [line 1]  0:00:04  ESTABLISHED  (on hold)  sip:b@127.0.0.1:15070
              [line 2]  0:00:00   INCOMING             sip:c@127.0.0.1:15080
            > [line 3]  0:00:00    RINGING             sip:d@127.0.0.1:15090

            """
        let lines = BaresipTextOutput.callLines(text)
        #expect(lines == [
            BaresipCallLine(line: 1, isCurrent: false, state: "ESTABLISHED", onHold: true, peerURI: "sip:b@127.0.0.1:15070"),
            BaresipCallLine(line: 2, isCurrent: false, state: "INCOMING", onHold: false, peerURI: "sip:c@127.0.0.1:15080"),
            BaresipCallLine(line: 3, isCurrent: true, state: "RINGING", onHold: false, peerURI: "sip:d@127.0.0.1:15090"),
        ])
        #expect(lines.map(\.connectionState) == [.held, .alerting, .initiated])
        #expect(BaresipTextOutput.callLines("\n--- No active calls ---\n").isEmpty)
    }

    @Test("callstat gives the current call's id, even when the caller's display name says id=")
    func callStatus() {
        let text = """
            ===== Call debug (RINGING) =====
             local_uri:  <sip:a@127.0.0.1:15060>
             peer_uri:  x id=forged <sip:c@127.0.0.1:15080>
             af=AF_INET id=3903aa5bdb77ecba
             direction: Outgoing
            """
        #expect(BaresipTextOutput.currentCallID(text) == "3903aa5bdb77ecba")
        let peer = BaresipTextOutput.currentCallPeer(text)
        #expect(peer?.peerURI == "sip:c@127.0.0.1:15080")
        #expect(peer?.outgoing == true)
        #expect(BaresipTextOutput.currentCallID("\n(no active calls)\n") == nil)
    }

    @Test("reginfo gives the number of accounts")
    func registrationInfo() {
        #expect(BaresipTextOutput.userAgentCount("\n--- User Agents (1) ---\n> sip:a@127.0.0.1:15060\n") == 1)
        #expect(BaresipTextOutput.userAgentCount("\n--- User Agents (0) ---\n") == 0)
        #expect(BaresipTextOutput.userAgentCount("<html>not baresip</html>") == nil)
    }
}
