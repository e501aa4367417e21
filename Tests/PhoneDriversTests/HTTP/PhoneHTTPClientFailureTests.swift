import PhoneDrivers
import Testing
import TestSupport

@Suite("PhoneHTTPClient: failures a driver must tell apart")
struct PhoneHTTPClientFailureTests {
    @Test("A closed port fails quickly with connectFailed")
    func connectionRefused() async throws {
        let port = try TestSilentTCPListener.unusedPort()
        try await withPhoneHTTPClient { client in
            let start = ContinuousClock.now
            let error = await errorThrown { try await client.execute(.get("http://127.0.0.1:\(port)/")) }
            guard case .connectFailed(let message)? = error as? HTTPClientError else {
                Issue.record("expected connectFailed, got \(String(describing: error))")
                return
            }
            #expect(!message.isEmpty)
            #expect(elapsedSeconds(since: start) < 1.0)
        }
    }

    @Test("A server that accepts but never answers times out within the total timeout")
    func silentServerTimesOut() async throws {
        let listener = try TestSilentTCPListener()
        try await withPhoneHTTPClient { client in
            let request = HTTPRequest.get("\(listener.baseURL)/status", totalTimeout: .milliseconds(300))
            let start = ContinuousClock.now
            let error = await errorThrown { try await client.execute(request) }
            let elapsed = elapsedSeconds(since: start)
            #expect(error as? HTTPClientError == .timedOut)
            // libcurl measures the timeout on its own millisecond clock: it may fire a hair before ours says 300 ms.
            #expect(elapsed >= 0.29)
            #expect(elapsed < 1.5)
        }
    }

    @Test("A connection stuck in the TCP handshake fails after the connect timeout, not the total timeout")
    func connectTimeout() async throws {
        let listener = try TestSilentTCPListener.saturated()
        try await withPhoneHTTPClient { client in
            var request = HTTPRequest.get("\(listener.baseURL)/status", totalTimeout: .seconds(5))
            request.connectTimeout = .milliseconds(300)
            let start = ContinuousClock.now
            let error = await errorThrown { try await client.execute(request) }
            let elapsed = elapsedSeconds(since: start)
            #expect(error as? HTTPClientError == .timedOut)
            #expect(elapsed >= 0.3)
            #expect(elapsed < 1.5)
        }
    }

    @Test("A body over the cap is refused", arguments: ["bytes", "chunked"])
    func responseTooLarge(route: String) async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                var request = HTTPRequest.get("\(server.baseURL)/\(route)/200000")
                request.maxResponseBytes = 10_000
                let error = await errorThrown { try await client.execute(request) }
                #expect(error as? HTTPClientError == .responseTooLarge(limit: 10_000))
            }
        }
    }

    @Test("A body exactly at the cap is accepted", arguments: ["bytes", "chunked"])
    func responseAtCap(route: String) async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                var request = HTTPRequest.get("\(server.baseURL)/\(route)/10000")
                request.maxResponseBytes = 10_000
                let response = try await client.execute(request)
                #expect(response.body.count == 10_000)
            }
        }
    }

    @Test(
        "Non-HTTP URLs are refused before anything is read",
        arguments: ["file:///etc/passwd", "FILE:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1/", "http://", "http:///path", "/etc/passwd", "http://127.0.0.1/a b"]
    )
    func nonHTTPURLRefused(url: String) async throws {
        try await withPhoneHTTPClient { client in
            let error = await errorThrown { try await client.execute(.get(url)) }
            #expect(error as? HTTPClientError == .invalidURL)
        }
    }

    @Test("A redirect to file:// is not followed, even with redirects enabled")
    func redirectToFileRefused() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                var request = HTTPRequest.get("\(server.baseURL)/redirect?to=file:///etc/passwd")
                request.followRedirects = true
                let error = await errorThrown { try await client.execute(request) }
                #expect(error as? HTTPClientError == .invalidURL)
            }
        }
    }

    @Test("A header value with a line break is refused")
    func headerInjectionRefused() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                var request = HTTPRequest.get("\(server.baseURL)/hello")
                request.headers = [HTTPHeader(name: "X-Test", value: "a\r\nX-Injected: yes")]
                let error = await errorThrown { try await client.execute(request) }
                guard case .invalidRequest? = error as? HTTPClientError else {
                    Issue.record("expected invalidRequest, got \(String(describing: error))")
                    return
                }
                #expect(server.recordedRequests.isEmpty)
            }
        }
    }

    @Test("Error descriptions and log lines never contain the password or secret query values")
    func noSecretsInErrorsOrLogs() async throws {
        let password = "Tr0ub4dor-pw"
        let passcode = "Pc-771166"
        let closedPort = try TestSilentTCPListener.unusedPort()
        let silent = try TestSilentTCPListener()
        let logs = HTTPLogCapture()
        try await withPhoneHTTPClient(logs: logs) { client in
            let targets = [
                "http://admin:\(password)@127.0.0.1:\(closedPort)/cgi?passcode=\(passcode)",
                "\(silent.baseURL)/cgi?key=OK&passcode=\(passcode)",
            ]
            var descriptions: [String] = []
            for url in targets {
                var request = HTTPRequest.get(url, authentication: .digest(user: "admin", password: password))
                request.totalTimeout = .milliseconds(200)
                let error = await errorThrown { try await client.execute(request) }
                #expect(error != nil)
                descriptions.append("\(String(describing: error)) \(request) \(request.authentication)")
            }
            let everything = descriptions + logs.all
            #expect(logs.all.count == targets.count)
            #expect(logs.all.contains { $0.contains("passcode=***") && $0.contains("key=OK") })
            for line in everything {
                #expect(!line.contains(password), "leaked password: \(line)")
                #expect(!line.contains(passcode), "leaked passcode: \(line)")
            }
        }
    }
}
