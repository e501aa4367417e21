import PhoneDrivers
import Testing
import TestSupport

@Suite("PhoneHTTPClient: TLS to phones with self-signed certificates", .enabled(if: TestTLSServer.isAvailable))
struct PhoneHTTPClientTLSTests {
    @Test("A self-signed certificate is rejected by default")
    func selfSignedRejectedByDefault() async throws {
        try await TestTLSServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let error = await errorThrown { try await client.execute(.get("\(server.baseURL)/")) }
                guard case .tls? = error as? HTTPClientError else {
                    Issue.record("expected a TLS error, got \(String(describing: error))")
                    return
                }
            }
        }
    }

    @Test("The phone's CA file makes its certificate trusted")
    func caFileVerifies() async throws {
        try await TestTLSServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let response = try await client.execute(.get("\(server.baseURL)/", tls: TLSOptions(caFile: server.caFile)))
                #expect(response.status == 200)
            }
        }
    }

    @Test("The explicit insecure flag skips verification")
    func insecureSkipsVerification() async throws {
        try await TestTLSServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let response = try await client.execute(.get("\(server.baseURL)/", tls: .insecure))
                #expect(response.status == 200)
            }
        }
    }

    @Test("A missing CA file is a TLS error, not a silent fallback")
    func missingCAFile() async throws {
        try await TestTLSServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let request = HTTPRequest.get("\(server.baseURL)/", tls: TLSOptions(caFile: "/nonexistent/ca.pem"))
                let error = await errorThrown { try await client.execute(request) }
                guard case .tls? = error as? HTTPClientError else {
                    Issue.record("expected a TLS error, got \(String(describing: error))")
                    return
                }
            }
        }
    }
}
