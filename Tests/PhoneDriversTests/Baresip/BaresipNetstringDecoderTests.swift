@testable import PhoneDrivers
import Testing

@Suite("baresip ctrl_tcp netstring framing")
struct BaresipNetstringDecoderTests {
    private func text(_ frames: [[UInt8]]) -> [String] {
        frames.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("a frame split across many reads comes out once, whole")
    func fragmented() {
        var decoder = BaresipNetstringDecoder()
        var frames: [[UInt8]] = []
        let payload = #"{"event":true,"a":1}"#
        for byte in Array("\(payload.utf8.count):\(payload),".utf8) {
            frames += decoder.feed([byte])
        }
        #expect(text(frames) == [#"{"event":true,"a":1}"#])
        #expect(decoder.droppedFrames == 0)
    }

    @Test("several frames in one read, the last one incomplete until the next read")
    func severalPerRead() {
        var decoder = BaresipNetstringDecoder()
        let first = decoder.feed(Array("3:abc,0:,5:hello,4:wo".utf8))
        #expect(text(first) == ["abc", "", "hello"])
        #expect(text(decoder.feed(Array("rd,".utf8))) == ["word"])
    }

    @Test("an oversized frame is skipped byte-exactly and the next frame still decodes")
    func oversized() {
        var decoder = BaresipNetstringDecoder(maximumFrameLength: 8)
        let big = "20:" + String(repeating: "x", count: 20) + ","
        var frames = decoder.feed(Array((big + "2:ok,").utf8.prefix(10)))
        frames += decoder.feed(Array((big + "2:ok,").utf8.dropFirst(10)))
        #expect(text(frames) == ["ok"])
        #expect(decoder.droppedFrames == 1)
    }

    @Test("a header longer than any allowed length is dropped, not accumulated")
    func endlessHeader() {
        var decoder = BaresipNetstringDecoder(maximumFrameLength: 1000)
        let frames = decoder.feed(Array(String(repeating: "9", count: 10_000).utf8) + Array(",2:ok,".utf8))
        #expect(text(frames) == ["ok"])
        #expect(decoder.droppedFrames == 1)
    }

    @Test("garbage before a frame, and a frame without its comma, are dropped and counted", arguments: [
        ("hello,3:abc,", ["abc"], 1),
        ("x3:abc,3:def,", ["def"], 1),
        ("3:abcX,3:def,", ["def"], 1),
        ("3;abc,3:def,", ["def"], 1),
        (":,3:def,", ["def"], 1),
    ])
    func garbage(input: String, expected: [String], dropped: Int) {
        var decoder = BaresipNetstringDecoder()
        #expect(text(decoder.feed(Array(input.utf8))) == expected)
        #expect(decoder.droppedFrames == dropped)
    }

    @Test("random bytes never crash the decoder and never yield a frame over the limit")
    func randomBytes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var decoder = BaresipNetstringDecoder(maximumFrameLength: 64)
            for _ in 0..<20 {
                let chunk = (0..<Int.random(in: 0...50, using: &generator)).map { _ in
                    [UInt8(ascii: "1"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "9"), 0, 0xFF].randomElement(using: &generator)!
                }
                for frame in decoder.feed(chunk) { #expect(frame.count <= 64) }
            }
        }
    }
}
