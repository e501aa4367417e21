import Foundation
import Testing

@testable import CTIBridge

@Suite("Call ids")
struct RandomCallIDTests {
    @Test("a new call id is a lower-case version 4 UUID that Foundation reads back")
    func idsAreVersionFourUUIDs() throws {
        for _ in 0..<200 {
            let id = RandomCallID.make()
            #expect(id.count == 36)
            #expect(id == id.lowercased())
            let uuid = try #require(UUID(uuidString: id), "\(id)")
            #expect(uuid.uuidString.lowercased() == id)
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 4, "version nibble of \(id)")
            #expect(bytes[8] >> 6 == 0b10, "variant bits of \(id)")
        }
    }

    @Test("the bits come from the generator in order, minus the version and variant bits")
    func bitsAreLaidOutInOrder() {
        #expect(RandomCallID.make(high: 0, low: 0) == "00000000-0000-4000-8000-000000000000")
        #expect(RandomCallID.make(high: .max, low: .max) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        #expect(
            RandomCallID.make(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
                == "01234567-89ab-4def-bedc-ba9876543210")
    }

    @Test("ids do not repeat")
    func idsAreUnique() {
        let ids = (0..<10_000).map { _ in RandomCallID.make() }
        #expect(Set(ids).count == ids.count)
    }
}
