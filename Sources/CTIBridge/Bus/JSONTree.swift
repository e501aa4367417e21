/// A JSON value as `TreeEncoder` builds it: containers are references, so that a nested container handed out
/// by a keyed or unkeyed container can still be written after it was added to its parent.
enum JSONTree {
    case string(String)
    /// A number, `true`, `false` or `null`, already as JSON text.
    case literal(String)
    case object(JSONObjectBox)
    case array(JSONArrayBox)
    /// What a super encoder will have encoded by the time the tree is written.
    case deferred(TreeEncoder)
}

/// The members of a JSON object, in the order they were encoded.
final class JSONObjectBox {
    var keys: [String] = []
    var values: [JSONTree] = []

    init() {
        keys.reserveCapacity(8)
        values.reserveCapacity(8)
    }

    func append(_ key: String, _ value: JSONTree) {
        keys.append(key)
        values.append(value)
    }
}

/// The elements of a JSON array.
final class JSONArrayBox {
    var elements: [JSONTree] = []
}

/// Writes a `JSONTree` as `JSONCoding.encoder()` writes JSON: no whitespace, object members sorted by the
/// UTF-8 bytes of their keys, slashes not escaped, control characters as `\b \f \n \r \t` or `\u00xx`.
struct JSONTreeWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    mutating func write(_ tree: JSONTree) {
        switch tree {
        case .string(let string):
            write(string: string)
        case .literal(let text):
            bytes.append(contentsOf: text.utf8)
        case .object(let box):
            write(object: box)
        case .array(let box):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in box.elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .deferred(let encoder):
            write(encoder.encoded)
        }
    }

    private mutating func write(object box: JSONObjectBox) {
        bytes.append(UInt8(ascii: "{"))
        // Insertion sort, stable: objects have a handful of members, and a key encoded twice keeps its last value
        // (it sorts after the earlier one, which is skipped below), as with Foundation's dictionary.
        var order = Array(box.keys.indices)
        for position in order.indices.dropFirst() {
            let moving = order[position]
            var slot = position
            while slot > 0, Self.precedes(box.keys[moving], box.keys[order[slot - 1]]) {
                order[slot] = order[slot - 1]
                slot -= 1
            }
            order[slot] = moving
        }
        var first = true
        for (position, index) in order.enumerated() {
            if position + 1 < order.count, box.keys[order[position + 1]] == box.keys[index] { continue }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            write(string: box.keys[index])
            bytes.append(UInt8(ascii: ":"))
            write(box.values[index])
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Foundation's `.sortedKeys` order: the keys' UTF-8 bytes, lexicographically.
    private static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    private mutating func write(string: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = string
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                appendEscape(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}
