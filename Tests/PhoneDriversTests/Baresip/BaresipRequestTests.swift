import CallModel
import Foundation
import Logging
@testable import PhoneDrivers
import Synchronization
import Testing

/// Answers like baresip 1.0.0's httpd for a phone with one ringing-out call, recording every URL.
final class BaresipRecordingTransport: PhoneHTTPTransport {
    private let urls = Mutex<[String]>([])
    var received: [String] { urls.withLock { $0 } }

    func execute(_ request: PhoneDrivers.HTTPRequest) async throws -> PhoneDrivers.HTTPResponse {
        urls.withLock { $0.append(request.url) }
        let query = request.url.split(separator: "?", maxSplits: 1).last.map(String.init) ?? ""
        let body: String
        switch query.removingPercentEncoding?.first {
        case "c": body = "===== Call debug (RINGING) =====\n peer_uri:   <sip:1@x>\n af=AF_INET id=abc123\n direction: Outgoing\n"
        case "r": body = "\n--- User Agents (1) ---\n"
        default: body = ""
        }
        return PhoneDrivers.HTTPResponse(status: 200, body: Array(body.utf8))
    }
}

@Suite("baresip requests")
struct BaresipRequestTests {
    private func driver(
        _ transport: BaresipRecordingTransport, options: [String: DriverOptionValue] = [:]
    ) throws -> BaresipDriver {
        try BaresipDriver(
            configuration: PhoneConfiguration(
                id: "desk", driver: "baresip", url: "http://127.0.0.1:8000", options: DriverOptions(options)),
            context: PhoneDriverContext(events: PhoneEventSink { _ in }, logger: Logger(label: "test")),
            transport: transport)
    }

    @Test("the request table: each command's menu input, percent-encoded below /raw/")
    func table() {
        let base = "http://127.0.0.1:8000/"
        #expect(BaresipRequest.dial(uri: "sip:b@127.0.0.1:5070").url(base: base)
            == "http://127.0.0.1:8000/raw/?dsip%3Ab%40127.0.0.1%3A5070")
        #expect(BaresipRequest.answer.url(base: base).hasSuffix("/raw/?a"))
        #expect(BaresipRequest.hangup.url(base: base).hasSuffix("/raw/?b"))
        #expect(BaresipRequest.hold.url(base: base).hasSuffix("/raw/?x"))
        #expect(BaresipRequest.resume.url(base: base).hasSuffix("/raw/?X"))
        #expect(BaresipRequest.transfer(uri: "sip:c@h").url(base: base).hasSuffix("/raw/?tsip%3Ac%40h"))
        #expect(BaresipRequest.listCalls.url(base: base).hasSuffix("/raw/?l"))
        #expect(BaresipRequest.selectLine(2).url(base: base).hasSuffix("/raw/?%402"))
        #expect(BaresipRequest.findCall(id: "a1@h").url(base: base).hasSuffix("/raw/?%2Fcallfind%20a1%40h"))
    }

    @Test("a feature code and an international number reach baresip as one dial command, encoded", arguments: [
        ("*72#", "http://127.0.0.1:8000/raw/?dsip%3A%2A72%23%40pbx.example.com"),
        ("+44 20 7946 0100", "http://127.0.0.1:8000/raw/?dsip%3A%2B442079460100%40pbx.example.com"),
        ("sip:alice@10.0.0.5:5070", "http://127.0.0.1:8000/raw/?dsip%3Aalice%4010.0.0.5%3A5070"),
    ])
    func dialEncoding(raw: String, expected: String) async throws {
        let transport = BaresipRecordingTransport()
        let phone = try driver(transport, options: ["dialDomain": .string("pbx.example.com")])
        _ = try await phone.perform(.dial(DialString(validating: raw)))
        let dials = transport.received.filter { $0.contains("/raw/?d") }
        #expect(dials == [expected])
        // The read-back of the new call's id is the only other request.
        #expect(transport.received.count == 2)
        #expect(transport.received.last?.hasSuffix("/raw/?c") == true)
    }

    @Test("without dialDomain a number is sent bare, for baresip to complete with its account's domain")
    func bareNumber() async throws {
        let transport = BaresipRecordingTransport()
        _ = try await driver(transport).perform(.dial(DialString(validating: "1234")))
        #expect(transport.received.first == "http://127.0.0.1:8000/raw/?d1234")
    }

    @Test("strings that would smuggle extra commands are refused before any driver sees them", arguments: [
        "1234&key=OK", "1234;CALLEND", "12\"34", "12<x>", "12%0d%0a", "1234#&x=1", "12\r\nb", "sip:a@b c",
    ])
    func injection(raw: String) {
        #expect(throws: DialStringError.self) { try DialString(validating: raw) }
    }

    @Test("a call id that cannot be a SIP Call-ID is never sent", arguments: ["", "a b", "x\r\nb", "\u{7F}"])
    func unusableCallID(id: String) async throws {
        #expect(!BaresipDriver.isUsableCallID(id))
    }

    @Test("DND and forwarding are not offered")
    func capabilities() throws {
        let phone = try driver(BaresipRecordingTransport())
        #expect(phone.capabilities == [.dial, .answer, .hangup, .hold, .resume, .transfer])
    }
}

@Suite("baresip options and provisioning")
struct BaresipOptionsTests {
    @Test("ctrlTCP defaults to port 4444 on the httpd host; explicit values are parsed")
    func endpoint() throws {
        #expect(try BaresipOptions(DriverOptions(), url: "http://10.1.2.3:8000").controlEndpoint
            == BaresipEndpoint(host: "10.1.2.3", port: 4444))
        #expect(try BaresipOptions(DriverOptions(["ctrlTCP": .string("127.0.0.1:5555")]), url: nil).controlEndpoint
            == BaresipEndpoint(host: "127.0.0.1", port: 5555))
        #expect(BaresipEndpoint("[::1]:4444") == BaresipEndpoint(host: "::1", port: 4444))
    }

    @Test("bad options name their key", arguments: [
        (["ctrlTCP": DriverOptionValue.string("localhost")], "ctrlTCP"),
        (["ctrlTCP": .string("h:99999")], "ctrlTCP"),
        (["dialDomain": .string("pbx;evil")], "dialDomain"),
        (["reconnectMaximumSeconds": .number(0)], "reconnectMaximumSeconds"),
        (["ctrlTcp": .string("x")], "ctrlTcp"),
    ])
    func badOptions(values: [String: DriverOptionValue], key: String) {
        #expect(throws: DriverOptionError.self) {
            try BaresipOptions(DriverOptions(values), url: "http://127.0.0.1:8000")
        }
        do {
            _ = try BaresipOptions(DriverOptions(values), url: "http://127.0.0.1:8000")
        } catch {
            #expect(error.keyPath == key)
        }
    }

    @Test("provisioning prints the module and listen lines for this phone")
    func provisioning() {
        let configuration = PhoneConfiguration(
            id: "desk-7", driver: "baresip", url: "http://10.0.0.7:8000",
            options: DriverOptions(["ctrlTCP": .string("10.0.0.7:4444")]))
        let text = BaresipDriver.descriptor.provisioning(
            configuration, PhoneProvisioning(eventBaseURL: "http://bridge/phones/desk-7/events", eventToken: "tok-9f3a", bridgeHost: "10.0.0.1"))
        for line in ["module httpd.so", "http_listen 10.0.0.7:8000", "module ctrl_tcp.so", "ctrl_tcp_listen 10.0.0.7:4444",
                     "module menu.so", "module account.so"] {
            #expect(text.split(separator: "\n").contains(Substring(line)), "missing \(line)")
        }
        #expect(text.contains("10.0.0.1"))
        #expect(!text.contains("tok-9f3a"))
    }
}
