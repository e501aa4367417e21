import PhoneDrivers
import Testing

@Suite("SafeXMLParser reads what phones send")
struct SafeXMLParserPhoneMessageTests {
    let parser = SafeXMLParser()

    @Test("Poly incoming-call notification (SIP 3.1 shape, wrapped in PolycomIPPhone)")
    func polyIncomingCall() throws {
        let root = try parser.parse("""
            <?xml version="1.0"?>
            <PolycomIPPhone>
              <IncomingCallEvent>
                <PhoneIP>192.0.2.10</PhoneIP>
                <MACAddress>0004f2aabbcc</MACAddress>
                <CallingPartyName>Bob</CallingPartyName>
                <CallingPartyNumber>1632960123@192.0.2.1</CallingPartyNumber>
                <CalledPartyName>alice</CalledPartyName>
                <CalledPartyNumber>201</CalledPartyNumber>
                <TimeStamp>2026-11-24T16:00:00-08:00</TimeStamp>
              </IncomingCallEvent>
            </PolycomIPPhone>
            """)
        #expect(root.name == "PolycomIPPhone")
        #expect(root.namespaceURI == nil)
        #expect(root.text(at: "IncomingCallEvent/PhoneIP") == "192.0.2.10")
        #expect(root.text(at: "IncomingCallEvent/MACAddress") == "0004f2aabbcc")
        #expect(root.text(at: "IncomingCallEvent/CallingPartyName") == "Bob")
        #expect(root.text(at: "IncomingCallEvent/CallingPartyNumber") == "1632960123@192.0.2.1")
        #expect(root.text(at: "IncomingCallEvent/CalledPartyNumber") == "201")
        #expect(root.int(at: "IncomingCallEvent/CalledPartyNumber") == 201)
        #expect(root.text(at: "IncomingCallEvent/TimeStamp") == "2026-11-24T16:00:00-08:00")
        #expect(root.text(at: "IncomingCallEvent/Missing") == nil)
        #expect(root.child("IncomingCallEvent")?.children.count == 7)
    }

    @Test("Poly call-state change (UCS 5 shape, bare event root) with attributes and nested call info")
    func polyCallStateChange() throws {
        let root = try parser.parse("""
            <CallStateChangeEvent CallReference="0x1a2b" CallState="Offering">
              <PhoneIP>192.0.2.10</PhoneIP>
              <MACAddress>0004f2aabbcc</MACAddress>
              <LineNumber>1</LineNumber>
              <TimeStamp>2026-11-24T16:00:01-08:00</TimeStamp>
              <CallLineInfo>
                <LineKeyNum>1</LineKeyNum>
                <LineDirNum>201</LineDirNum>
                <LineState>Active</LineState>
                <CallInfo>
                  <CallState>Offering</CallState>
                  <CallType>Incoming</CallType>
                  <UIAppearanceIndex>1*</UIAppearanceIndex>
                  <CalledPartyName>alice</CalledPartyName>
                  <CalledPartyDirNum>201</CalledPartyDirNum>
                  <CallingPartyName>Bob</CallingPartyName>
                  <CallingPartyDirNum>sip:1632960123@192.0.2.1</CallingPartyDirNum>
                  <CallReference>0x1a2b</CallReference>
                  <CallDuration>0</CallDuration>
                </CallInfo>
              </CallLineInfo>
            </CallStateChangeEvent>
            """)
        #expect(root.attribute("CallState") == "Offering")
        #expect(root.attribute("CallReference") == "0x1a2b")
        #expect(root.int(at: "LineNumber") == 1)
        #expect(root.text(at: "CallLineInfo/LineState") == "Active")
        #expect(root.text(at: "CallLineInfo/CallInfo/CallingPartyDirNum") == "sip:1632960123@192.0.2.1")
        #expect(root.text(at: "CallLineInfo/CallInfo/UIAppearanceIndex") == "1*")
        #expect(root.int(at: "CallLineInfo/CallInfo/CallDuration") == 0)
        #expect(root.descendants(named: "CallState").map(\.trimmedText) == ["Offering"])
    }

    @Test("Cisco CiscoIPPhoneResponse gives one ResponseItem per ExecuteItem")
    func ciscoResponse() throws {
        let root = try parser.parse("""
            <?xml version="1.0" encoding="utf-8"?>
            <CiscoIPPhoneResponse>
              <ResponseItem Status="0" Data="" URL="Dial:5551234"/>
              <ResponseItem Status="6" Data="Key:Bogus" URL="Key:Bogus"/>
            </CiscoIPPhoneResponse>
            """)
        #expect(root.name == "CiscoIPPhoneResponse")
        let items = root.all(path: "ResponseItem")
        #expect(items.map { $0.attribute("Status") } == ["0", "6"])
        #expect(items.map { $0.attribute("URL") } == ["Dial:5551234", "Key:Bogus"])
        #expect(items.first?.attribute("Data") == "")
        #expect(items.first?.attribute("Missing") == nil)
    }

    @Test("Cisco CiscoIPPhoneError carries its number and optional text")
    func ciscoError() throws {
        let root = try parser.parse(#"<CiscoIPPhoneError Number="4">Authentication error</CiscoIPPhoneError>"#)
        #expect(root.name == "CiscoIPPhoneError")
        #expect(root.attribute("Number").flatMap { Int($0) } == 4)
        #expect(root.trimmedText == "Authentication error")
        #expect(root.int(at: "") == nil)
        let bare = try parser.parse(#"<CiscoIPPhoneError Number="1"/>"#)
        #expect(bare.attribute("Number") == "1")
        #expect(bare.text.isEmpty)
    }

    @Test(
        "CSTA DeliveredEvent is read by local name in every ECMA-323 edition, default or prefixed namespace",
        arguments: ["ed3", "ed4", "ed5", "ed6"], [false, true])
    func cstaDelivered(edition: String, prefixed: Bool) throws {
        let namespace = "http://www.ecma-international.org/standards/ecma-323/csta/\(edition)"
        let p = prefixed ? "csta:" : ""
        let declaration = prefixed ? "xmlns:csta=\"\(namespace)\"" : "xmlns=\"\(namespace)\""
        let root = try parser.parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <\(p)DeliveredEvent \(declaration)>
              <\(p)monitorCrossRefID>17</\(p)monitorCrossRefID>
              <\(p)connection><\(p)callID>7</\(p)callID><\(p)deviceID>sip:201@pbx.example</\(p)deviceID></\(p)connection>
              <\(p)alertingDevice><\(p)deviceIdentifier>sip:201@pbx.example</\(p)deviceIdentifier></\(p)alertingDevice>
              <\(p)callingDevice><\(p)deviceIdentifier>sip:1632960123@pbx.example</\(p)deviceIdentifier></\(p)callingDevice>
              <\(p)calledDevice><\(p)deviceIdentifier>201</\(p)deviceIdentifier></\(p)calledDevice>
              <\(p)lastRedirectionDevice><\(p)notRequired/></\(p)lastRedirectionDevice>
              <\(p)localConnectionInfo>alerting</\(p)localConnectionInfo>
              <\(p)cause>newCall</\(p)cause>
            </\(p)DeliveredEvent>
            """)
        #expect(root.name == "DeliveredEvent")
        #expect(root.namespaceURI == namespace)
        #expect(root.child("connection")?.namespaceURI == namespace)
        #expect(root.int(at: "monitorCrossRefID") == 17)
        #expect(root.int(at: "connection/callID") == 7)
        #expect(root.text(at: "callingDevice/deviceIdentifier") == "sip:1632960123@pbx.example")
        #expect(root.text(at: "localConnectionInfo") == "alerting")
        #expect(root.descendants(named: "deviceIdentifier").map(\.trimmedText)
            == ["sip:201@pbx.example", "sip:1632960123@pbx.example", "201"])
        #expect(root.first(path: "lastRedirectionDevice/notRequired") != nil)
    }

    @Test("Character references, predefined entities and CDATA come back as text; comments do not")
    func textDecoding() throws {
        let root = try parser.parse(
            #"<a b="&lt;&#x41;&quot;">x &amp; &#66;<!-- hidden --><![CDATA[<raw & text>]]><c/>tail</a>"#)
        #expect(root.attribute("b") == "<A\"")
        #expect(root.text == "x & B<raw & text>tail")
        #expect(root.children.map(\.name) == ["c"])
    }

    @Test("A declared ISO-8859-1 document is decoded (caller IDs with umlauts)")
    func latin1Document() throws {
        var bytes = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?><CallingPartyName>M"#.utf8)
        bytes += [0xFC] + Array("ller</CallingPartyName>".utf8)
        let root = try parser.parse(bytes)
        #expect(root.trimmedText == "Müller")
    }

    @Test("An undeclared prefix is tolerated: the element keeps its local name and no namespace")
    func undeclaredPrefix() throws {
        let root = try parser.parse("<a><x:b>1</x:b></a>")
        #expect(root.child("b")?.namespaceURI == nil)
        #expect(root.int(at: "b") == 1)
    }

    @Test("all(path:) follows every branch in document order")
    func allPathsAcrossBranches() throws {
        let root = try parser.parse("<r><l><i>1</i><i>2</i></l><x/><l><i>3</i></l></r>")
        #expect(root.all(path: "l/i").compactMap { Int($0.trimmedText) } == [1, 2, 3])
        #expect(root.all(path: "l/missing").isEmpty)
        #expect(root.children("l").count == 2)
        #expect(root.first(path: "/l/i/")?.trimmedText == "1")
    }
}
