/// Splits the ctrl_tcp byte stream into netstring frames (`<length>:<payload>,`), bounded and crash-free.
///
/// The stream is untrusted: a header that is not a number, a missing `,` or a frame longer than
/// ``maximumFrameLength`` is counted in ``droppedFrames`` and skipped. An oversized frame whose header is
/// well-formed is skipped byte-exactly without being buffered, so the stream stays in step after it; after
/// any other damage the decoder resynchronises at the next `,`.
struct BaresipNetstringDecoder: Sendable {
    /// The longest payload accepted; baresip's events are well under 1 KiB.
    let maximumFrameLength: Int
    /// Frames that were malformed or too long and were thrown away.
    private(set) var droppedFrames = 0

    private var buffer: [UInt8] = []
    /// Bytes of an oversized frame (payload plus its `,`) still to be thrown away.
    private var bytesToSkip = 0
    /// Whether the decoder lost the frame boundary and discards bytes up to the next `,`.
    private var resynchronising = false

    /// The largest header accepted: enough digits for ``maximumFrameLength``, plus one to recognise an oversized one.
    private var maximumHeaderDigits: Int { String(maximumFrameLength).count + 1 }

    init(maximumFrameLength: Int = 64 * 1024) {
        precondition(maximumFrameLength > 0, "maximumFrameLength must be positive")
        self.maximumFrameLength = maximumFrameLength
    }

    /// Appends bytes read from the socket and returns the payloads of every frame they completed.
    mutating func feed(_ bytes: some Collection<UInt8>) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var frames: [[UInt8]] = []
        var start = 0
        defer { buffer.removeFirst(start) }
        while start < buffer.count {
            if bytesToSkip > 0 {
                let skipped = min(bytesToSkip, buffer.count - start)
                bytesToSkip -= skipped
                start += skipped
                continue
            }
            if resynchronising {
                guard let comma = buffer[start...].firstIndex(of: UInt8(ascii: ",")) else {
                    start = buffer.count
                    break
                }
                start = comma + 1
                resynchronising = false
                continue
            }
            switch parseFrame(at: start) {
            case .needMoreBytes:
                return frames
            case .frame(let payload, let next):
                frames.append(payload)
                start = next
            case .oversized(let payloadLength, let payloadStart):
                droppedFrames += 1
                bytesToSkip = payloadLength + 1
                start = payloadStart
            case .malformed(let next):
                droppedFrames += 1
                resynchronising = true
                start = next
            }
        }
        return frames
    }

    private enum ParseResult {
        case needMoreBytes
        case frame(payload: [UInt8], next: Int)
        case oversized(payloadLength: Int, payloadStart: Int)
        /// `next` is where resynchronisation starts looking for a `,`.
        case malformed(next: Int)
    }

    private func parseFrame(at start: Int) -> ParseResult {
        var index = start
        var length = 0
        while index < buffer.count, let digit = Self.digitValue(buffer[index]) {
            // Counting digits instead of checking overflow keeps a hostile header from wrapping `length`.
            if index - start >= maximumHeaderDigits { return .malformed(next: index) }
            length = length * 10 + digit
            index += 1
        }
        guard index < buffer.count else {
            return index - start >= maximumHeaderDigits ? .malformed(next: index) : .needMoreBytes
        }
        guard index > start, buffer[index] == UInt8(ascii: ":") else {
            // Not a header: the damaged frame ends at the next `,` (which may be this very byte).
            return .malformed(next: buffer[index] == UInt8(ascii: ",") ? index : start)
        }
        let payloadStart = index + 1
        if length > maximumFrameLength { return .oversized(payloadLength: length, payloadStart: payloadStart) }
        let terminator = payloadStart + length
        guard terminator < buffer.count else { return .needMoreBytes }
        guard buffer[terminator] == UInt8(ascii: ",") else { return .malformed(next: terminator) }
        return .frame(payload: Array(buffer[payloadStart..<terminator]), next: terminator + 1)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
