import PhoneDrivers
import Testing
import TestSupport

@Suite("PhoneHTTPClient: Basic and Digest authentication")
struct PhoneHTTPClientAuthenticationTests {
    @Test("Basic with the right password is accepted")
    func basicRightPassword() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let auth = HTTPAuthentication.basic(user: server.credentials.user, password: server.credentials.password)
                let response = try await client.execute(.get("\(server.baseURL)/basic", authentication: auth))
                #expect(response.status == 200)
                #expect(response.text == "basic ok")
            }
        }
    }

    @Test("Basic with a wrong password gets 401")
    func basicWrongPassword() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let auth = HTTPAuthentication.basic(user: server.credentials.user, password: "wrong")
                let response = try await client.execute(.get("\(server.baseURL)/basic", authentication: auth))
                #expect(response.status == 401)
            }
        }
    }

    @Test("Digest with the right password completes the challenge round trip", arguments: HTTPDigestVerifier.Algorithm.allCases)
    func digestRightPassword(algorithm: HTTPDigestVerifier.Algorithm) async throws {
        try await TestHTTPServer.withServer(digestAlgorithm: algorithm) { server in
            try await withPhoneHTTPClient { client in
                let auth = HTTPAuthentication.digest(user: server.credentials.user, password: server.credentials.password)
                let response = try await client.execute(.get("\(server.baseURL)/digest", authentication: auth))
                #expect(response.status == 200)
                #expect(response.text == "digest ok")
                #expect(response.headers.first(named: "WWW-Authenticate") == nil, "headers of the 401 challenge leaked into the final response")
                let seen = server.recordedRequests.map(\.authorization)
                #expect(seen.count == 2)
                #expect(seen.first == .some(nil))
                #expect(seen.last??.hasPrefix("Digest ") == true)
            }
        }
    }

    @Test("Digest with a wrong password gets 401 after answering the challenge")
    func digestWrongPassword() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let auth = HTTPAuthentication.digest(user: server.credentials.user, password: "not-the-password")
                let response = try await client.execute(.get("\(server.baseURL)/digest", authentication: auth))
                #expect(response.status == 401)
                #expect(server.recordedRequests.contains { $0.authorization?.hasPrefix("Digest ") == true })
            }
        }
    }

    @Test("Digest POST resends the body with the authenticated request")
    func digestPostCarriesBody() async throws {
        let body = Array("<dial number=\"1001\"/>".utf8)
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let auth = HTTPAuthentication.digest(user: server.credentials.user, password: server.credentials.password)
                let response = try await client.execute(
                    .post("\(server.baseURL)/digest", body: body, contentType: "application/xml", authentication: auth)
                )
                #expect(response.status == 200)
                let authenticated = server.recordedRequests.last { $0.authorization?.hasPrefix("Digest ") == true }
                #expect(authenticated?.method == "POST")
                #expect(authenticated?.body == body)
            }
        }
    }

    @Test("`.any` negotiates Digest or Basic, whichever the server asks for", arguments: ["/digest", "/basic"])
    func anyNegotiates(path: String) async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let auth = HTTPAuthentication.any(user: server.credentials.user, password: server.credentials.password)
                let response = try await client.execute(.get("\(server.baseURL)\(path)", authentication: auth))
                #expect(response.status == 200)
            }
        }
    }

    @Test("Credentials are never sent without authentication configured")
    func noAuthenticationSendsNoCredentials() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let response = try await client.execute(.get("\(server.baseURL)/digest"))
                #expect(response.status == 401)
                #expect(response.headers.first(named: "WWW-Authenticate")?.hasPrefix("Digest ") == true)
                #expect(server.recordedRequests.allSatisfy { $0.authorization == nil })
            }
        }
    }
}
