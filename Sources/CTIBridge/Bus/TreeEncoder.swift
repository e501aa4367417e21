import Foundation

/// Encodes `Encodable` values into the JSON `JSONCoding` specifies, without Foundation's `JSONEncoder`.
///
/// Every event publishes three or four objects and stores two or three; Foundation's generic encoder (dynamic
/// casts for its special types, a dictionary per object, a nested encoder for each date) was a quarter of the
/// bridge's CPU on the event path. This one builds a small tree and writes it with `JSONTreeWriter`; the bytes
/// are the same (tests compare them over every published and stored type). Values it does not handle the
/// same way — floating-point numbers, `Data`, `URL`, `Decimal` — throw `Unsupported`, and
/// `JSONCoding` then uses Foundation. `codingPath` is always empty: no encoded type reads it.
final class TreeEncoder: Encoder {
    /// Thrown for what only Foundation's encoder writes correctly.
    struct Unsupported: Error {}

    let codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    fileprivate var value: JSONTree?

    /// The JSON bytes of `value`.
    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        var writer = JSONTreeWriter()
        writer.write(try tree(for: value, topLevel: true))
        return writer.bytes
    }

    static func tree<Value: Encodable>(for value: Value, topLevel: Bool = false) throws -> JSONTree {
        // Types with a JSON form of their own, checked by metatype (cheap) rather than by dynamic cast.
        if Value.self == String.self { return .string(value as! String) }
        if Value.self == Date.self { return .string(JSONCoding.timestamp(value as! Date)) }
        if Value.self == Bool.self { return .literal((value as! Bool) ? "true" : "false") }
        if Value.self == Int.self { return .literal(String(value as! Int)) }
        if Value.self == Data.self || Value.self == URL.self || Value.self == Decimal.self { throw Unsupported() }
        let encoder = TreeEncoder()
        try value.encode(to: encoder)
        // Foundation refuses a top-level value that encodes nothing; let it say so.
        if topLevel && encoder.value == nil { throw Unsupported() }
        return encoder.encoded
    }

    /// What was encoded; a value that encoded nothing is an empty object, as with Foundation.
    var encoded: JSONTree { value ?? .object(JSONObjectBox()) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let box)? = value { return KeyedEncodingContainer(KeyedTreeContainer(box: box)) }
        let box = JSONObjectBox()
        value = .object(box)
        return KeyedEncodingContainer(KeyedTreeContainer(box: box))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let box)? = value { return UnkeyedTreeContainer(box: box) }
        let box = JSONArrayBox()
        value = .array(box)
        return UnkeyedTreeContainer(box: box)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleTreeContainer(encoder: self)
    }
}

/// The JSON text of the integer and boolean types every container writes the same way.
private enum Literal {
    static func of<Integer: BinaryInteger>(_ value: Integer) -> JSONTree { .literal(String(value)) }
    static func of(_ value: Bool) -> JSONTree { .literal(value ? "true" : "false") }
    static var null: JSONTree { .literal("null") }
}

private struct KeyedTreeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONObjectBox
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { box.append(key.stringValue, Literal.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { box.append(key.stringValue, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw TreeEncoder.Unsupported() }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw TreeEncoder.Unsupported() }
    mutating func encode(_ value: Int, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { box.append(key.stringValue, Literal.of(value)) }

    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
        box.append(key.stringValue, try TreeEncoder.tree(for: value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        box.append(key.stringValue, .object(nested))
        return KeyedEncodingContainer(KeyedTreeContainer<NestedKey>(box: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        box.append(key.stringValue, .array(nested))
        return UnkeyedTreeContainer(box: nested)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named key: String) -> any Encoder {
        let encoder = TreeEncoder()
        box.append(key, .deferred(encoder))
        return encoder
    }
}

private struct UnkeyedTreeContainer: UnkeyedEncodingContainer {
    let box: JSONArrayBox
    var codingPath: [any CodingKey] { [] }
    var count: Int { box.elements.count }

    mutating func encodeNil() throws { box.elements.append(Literal.null) }
    mutating func encode(_ value: Bool) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: String) throws { box.elements.append(.string(value)) }
    mutating func encode(_ value: Double) throws { throw TreeEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw TreeEncoder.Unsupported() }
    mutating func encode(_ value: Int) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: Int8) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: Int16) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: Int32) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: Int64) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: UInt) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: UInt8) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: UInt16) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: UInt32) throws { box.elements.append(Literal.of(value)) }
    mutating func encode(_ value: UInt64) throws { box.elements.append(Literal.of(value)) }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        box.elements.append(try TreeEncoder.tree(for: value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        box.elements.append(.object(nested))
        return KeyedEncodingContainer(KeyedTreeContainer<NestedKey>(box: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        box.elements.append(.array(nested))
        return UnkeyedTreeContainer(box: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = TreeEncoder()
        box.elements.append(.deferred(encoder))
        return encoder
    }
}

private struct SingleTreeContainer: SingleValueEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.value = Literal.null }
    mutating func encode(_ value: Bool) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: String) throws { encoder.value = .string(value) }
    mutating func encode(_ value: Double) throws { throw TreeEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw TreeEncoder.Unsupported() }
    mutating func encode(_ value: Int) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: Int8) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: Int16) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: Int32) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: Int64) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: UInt) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: UInt8) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: UInt16) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: UInt32) throws { encoder.value = Literal.of(value) }
    mutating func encode(_ value: UInt64) throws { encoder.value = Literal.of(value) }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        encoder.value = try TreeEncoder.tree(for: value)
    }
}
