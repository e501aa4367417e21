import PhoneDrivers
import Testing

@Suite("SafeXMLParser under concurrency")
struct SafeXMLParserConcurrencyTests {
    @Test("8 tasks × 200 parses in parallel each get their own, correct result")
    func parallelParses() async {
        let parser = SafeXMLParser(limits: XMLParsingLimits(maxDepth: 8))
        let failures = await withTaskGroup(of: [String].self) { group in
            for task in 0..<8 {
                group.addTask { Self.parseRepeatedly(task: task, parser: parser) }
            }
            var all: [String] = []
            for await failures in group { all += failures }
            return all
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    /// Mixes good, malformed, too-deep and DOCTYPE documents so every error path runs on many threads.
    private static func parseRepeatedly(task: Int, parser: SafeXMLParser) -> [String] {
        var failures: [String] = []
        for round in 0..<200 {
            let number = "\(task)-\(round)"
            switch round % 4 {
            case 0, 1:
                let result = try? parser.parse("""
                    <PolycomIPPhone><IncomingCallEvent><CallingPartyNumber>\(number)</CallingPartyNumber>\
                    <CalledPartyName>T&amp;\(task)</CalledPartyName></IncomingCallEvent></PolycomIPPhone>
                    """)
                if result?.text(at: "IncomingCallEvent/CallingPartyNumber") != number
                    || result?.text(at: "IncomingCallEvent/CalledPartyName") != "T&\(task)" {
                    failures.append("\(number): wrong result \(String(describing: result))")
                }
            case 2:
                let lines = 1 + round % 7
                let document = "<a>" + String(repeating: "\n", count: lines - 1) + "<b></a>"
                do {
                    _ = try parser.parse(document)
                    failures.append("\(number): malformed accepted")
                } catch {
                    if case .malformed(let line, _) = error, line == lines { continue }
                    failures.append("\(number): \(error), expected malformed at line \(lines)")
                }
            default:
                let deep = String(repeating: "<a>", count: 9) + String(repeating: "</a>", count: 9)
                let doctype = "<!DOCTYPE r [<!ENTITY x \"\(number)\">]><r>&x;</r>"
                if (try? parser.parse(deep)) != nil { failures.append("\(number): deep accepted") }
                do {
                    _ = try parser.parse(doctype)
                    failures.append("\(number): doctype accepted")
                } catch {
                    if error != .doctypeNotAllowed { failures.append("\(number): \(error)") }
                }
            }
        }
        return failures
    }
}
