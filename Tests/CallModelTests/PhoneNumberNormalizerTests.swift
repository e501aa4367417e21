import CallModel
import Testing

@Suite("Number normalisation")
struct PhoneNumberNormalizerTests {
    let gb = PhoneNumberNormalizer(defaultCountry: "GB")

    @Test(
        "any formatting of a UK number becomes E.164",
        arguments: [
            "+44 20 7946 0100", "020 7946 0100", "0044 20 7946 0100", "+44 (0)20 7946 0100",
            "sip:02079460100@pbx.example", "<sip:+442079460100@pbx;user=phone>", "tel:+44-20-7946-0100",
        ])
    func normalisesUK(input: String) {
        #expect(gb.normalize(input) == "+442079460100")
    }

    @Test("extensions and feature codes stay as dialled")
    func keepsShortNumbers() {
        #expect(gb.normalize("201") == "201")
        #expect(gb.normalize("sip:201@pbx") == "201")
        #expect(gb.normalize("*72#") == "*72#")
    }

    @Test("North American numbers")
    func northAmerica() {
        let us = PhoneNumberNormalizer(defaultCountry: "US")
        #expect(us.normalize("(415) 555-0100") == "+14155550100")
        #expect(us.normalize("1 415 555 0100") == "+14155550100")
        #expect(us.normalize("011 44 20 7946 0100") == "+442079460100")
    }

    @Test("names are not numbers")
    func namesAreNotNumbers() {
        #expect(gb.normalize("sip:alice@pbx") == nil)
        #expect(gb.normalize("") == nil)
    }

    @Test("comparison ignores formatting")
    func compares() {
        #expect(gb.same("020 7946 0100", "+44 20 7946 0100"))
        #expect(!gb.same("020 7946 0100", "020 7946 0101"))
    }

    @Test("without a default country national numbers are kept as digits")
    func noCountry() {
        let plain = PhoneNumberNormalizer(defaultCountry: nil)
        #expect(plain.normalize("020 7946 0100") == "02079460100")
        #expect(plain.normalize("+44 20 7946 0100") == "+442079460100")
    }
}
