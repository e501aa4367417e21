import Logging
import Synchronization
import Testing

@testable import CTIBridge

@Suite("Log handler")
struct LazyMetadataLogHandlerTests {
    /// Lines written to it, without their leading timestamp (it differs from one write to the next).
    final class Lines: TextOutputStream, Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }

        func write(_ string: String) {
            let text = string.split(separator: " ", maxSplits: 1).last.map(String.init) ?? string
            lines.withLock { $0.append(text) }
        }
    }

    /// Logs the same messages through `makeHandler`'s logger, with metadata set on the logger and passed along.
    private func lines(_ makeHandler: (Lines) -> any LogHandler) -> [String] {
        let output = Lines()
        var logger = Logger(label: "ctibridge") { _ in makeHandler(output) }
        logger.info("starting")
        logger[metadataKey: "bridge.id"] = "hq"
        logger[metadataKey: "hb.request.id"] = "1"
        logger[metadataKey: "hb.request.id"] = "2"
        logger.notice("phone event refused", metadata: ["phone.id": "alice-desk", "bridge.id": "explicit"])
        logger.debug("below the level")
        logger[metadataKey: "bridge.id"] = nil
        logger.warning("MQTT not connected", metadata: ["mqtt.reason": "connection refused"])
        return output.all
    }

    @Test("writes exactly what StreamLogHandler writes: metadata merged, the message's own winning, levels kept")
    func sameOutputAsStreamLogHandler() {
        let plain = lines { StreamLogHandler(label: "ctibridge", stream: $0) }
        let lazy = lines { LazyMetadataLogHandler(StreamLogHandler(label: "ctibridge", stream: $0)) }
        #expect(lazy == plain)
        #expect(lazy.count == 3)
        #expect(lazy[1].contains("bridge.id=explicit"))
        #expect(lazy[1].contains("hb.request.id=2"))
    }
}
