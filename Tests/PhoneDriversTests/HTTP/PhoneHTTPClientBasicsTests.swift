import PhoneDrivers
import Testing
import TestSupport

@Suite("PhoneHTTPClient: plain requests")
struct PhoneHTTPClientBasicsTests {
    @Test("GET returns status, headers and body")
    func getReturnsBody() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let response = try await client.execute(.get("\(server.baseURL)/hello"))
                #expect(response.status == 200)
                #expect(response.text == "hello, phone")
                #expect(response.headers.first(named: "x-test") == "yes")
                #expect(response.headers.first(named: "Content-Type") == "text/plain")
            }
        }
    }

    @Test("POST delivers the body byte for byte with its content type")
    func postBodyIsByteExact() async throws {
        let body = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let response = try await client.execute(
                    .post("\(server.baseURL)/echo", body: body, contentType: "application/octet-stream")
                )
                #expect(response.status == 200)
                #expect(response.body == body)
                #expect(response.headers.first(named: "X-Received-Content-Type") == "application/octet-stream")
                let received = server.recordedRequests.filter { $0.target == "/echo" }
                #expect(received.count == 1)
                #expect(received.first?.method == "POST")
                #expect(received.first?.body == body)
            }
        }
    }

    @Test("POST without a body sends an empty one")
    func postWithEmptyBody() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let response = try await client.execute(
                    .post("\(server.baseURL)/echo", body: [], contentType: "text/plain")
                )
                #expect(response.status == 200)
                #expect(response.body.isEmpty)
                #expect(server.recordedRequests.first?.method == "POST")
            }
        }
    }

    @Test("Custom request headers reach the server")
    func customHeaderIsSent() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                var request = HTTPRequest.get("\(server.baseURL)/header/X-Phone-Command")
                request.headers.append(HTTPHeader(name: "X-Phone-Command", value: "dial 1001"))
                let response = try await client.execute(request)
                #expect(response.text == "dial 1001")
            }
        }
    }

    @Test("Redirects are returned, not followed, by default")
    func redirectIsNotFollowedByDefault() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let response = try await client.execute(.get("\(server.baseURL)/redirect?to=/hello"))
                #expect(response.status == 302)
                #expect(response.headers.first(named: "Location") == "/hello")
                #expect(!server.recordedRequests.contains { $0.target == "/hello" })
            }
        }
    }

    @Test("Redirects are followed when asked")
    func redirectIsFollowedWhenEnabled() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                var request = HTTPRequest.get("\(server.baseURL)/redirect?to=/hello")
                request.followRedirects = true
                let response = try await client.execute(request)
                #expect(response.status == 200)
                #expect(response.text == "hello, phone")
            }
        }
    }
}
