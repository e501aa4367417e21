import Testing
import TestSupport

@Suite("HTTPDigestVerifier")
struct HTTPDigestVerifierTests {
    @Test("Computes the RFC 2617 example response")
    func rfc2617Vector() {
        let verifier = HTTPDigestVerifier(realm: "testrealm@host.com")
        let response = verifier.expectedResponse(
            user: "Mufasa", password: "Circle Of Life", method: "GET", uri: "/dir/index.html",
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", nc: "00000001", cnonce: "0a4f113b"
        )
        #expect(response == "6629fae49393a05397450978507c4ef1")
    }

    @Test("Computes the RFC 7616 examples for MD5 and SHA-256", arguments: [
        (HTTPDigestVerifier.Algorithm.md5, "8ca523f5e9506fed4657c9700eebdbec"),
        (HTTPDigestVerifier.Algorithm.sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ])
    func rfc7616Vectors(algorithm: HTTPDigestVerifier.Algorithm, expected: String) {
        let verifier = HTTPDigestVerifier(realm: "http-auth@example.org", algorithm: algorithm)
        let response = verifier.expectedResponse(
            user: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html",
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc: "00000001",
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
        )
        #expect(response == expected)
    }

    @Test("A challenge carries realm, qop, nonce, opaque and algorithm")
    func challengeShape() throws {
        let verifier = HTTPDigestVerifier(realm: "phone", algorithm: .sha256)
        let parameters = try #require(HTTPDigestVerifier.parseDigestParameters(verifier.challenge(stale: true)))
        #expect(parameters["realm"] == "phone")
        #expect(parameters["qop"] == "auth")
        #expect(parameters["opaque"] == verifier.opaque)
        #expect(parameters["algorithm"] == "SHA-256")
        #expect(parameters["stale"] == "true")
        #expect((parameters["nonce"] ?? "").count == 32)
    }

    @Test("Verifies a correct answer and rejects each kind of wrong one")
    func verifyOutcomes() throws {
        let verifier = HTTPDigestVerifier(realm: "phone")
        let nonce = try #require(HTTPDigestVerifier.parseDigestParameters(verifier.challenge())?["nonce"])
        func header(password: String = "pw", nonce: String = nonce, uri: String = "/cgi?a=1", realm: String = "phone", opaque: String? = nil) -> String {
            let response = verifier.expectedResponse(
                user: "admin", password: password, method: "POST", uri: uri, nonce: nonce, nc: "00000001", cnonce: "c0ffee"
            )
            return "Digest username=\"admin\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
                + "algorithm=MD5, response=\"\(response)\", opaque=\"\(opaque ?? verifier.opaque)\", qop=auth, nc=00000001, cnonce=\"c0ffee\""
        }
        let users = ["admin": "pw"]
        func verify(_ authorization: String?, method: String = "POST", uri: String = "/cgi?a=1") -> HTTPDigestVerifier.Outcome {
            verifier.verify(authorization: authorization, method: method, uri: uri, credentials: users)
        }
        #expect(verify(header()) == .authenticated(user: "admin"))
        #expect(verify(header(password: "bad")) == .rejected(.wrongResponse))
        #expect(verify(header(), method: "GET") == .rejected(.wrongResponse))
        #expect(verify(header(nonce: "feedface")) == .rejected(.unknownNonce))
        #expect(verify(header(), uri: "/other") == .rejected(.uriMismatch))
        #expect(verify(header(realm: "elsewhere")) == .rejected(.wrongRealm))
        #expect(verify(header(opaque: "forged")) == .rejected(.wrongOpaque))
        #expect(verify(nil) == .rejected(.missing))
        #expect(verify("Basic YWRtaW46cHc=") == .rejected(.notDigest))
        #expect(verify("Digest username=\"admin") == .rejected(.malformed))
        #expect(verifier.verify(authorization: header(), method: "POST", uri: "/cgi?a=1", credentials: [:]) == .rejected(.unknownUser))
    }

    @Test("Quoted values may contain commas and escaped quotes")
    func parsesQuotedValues() throws {
        let parameters = try #require(HTTPDigestVerifier.parseDigestParameters(#"Digest realm="a, \"b\"", qop=auth,nc=1"#))
        #expect(parameters["realm"] == #"a, "b""#)
        #expect(parameters["qop"] == "auth")
        #expect(parameters["nc"] == "1")
    }
}
