import PhoneDrivers
import Testing
import TestSupport

@Suite("PhoneHTTPClient: concurrency, cancellation and shutdown")
struct PhoneHTTPClientConcurrencyTests {
    @Test("50 concurrent Digest requests all succeed")
    func fiftyConcurrentRequests() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let auth = HTTPAuthentication.digest(user: server.credentials.user, password: server.credentials.password)
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<50 {
                        group.addTask {
                            let response = try await client.execute(
                                .get("\(server.baseURL)/digest?n=\(index)", authentication: auth)
                            )
                            return response.status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.count == 50)
                #expect(statuses.allSatisfy { $0 == 200 })
            }
        }
    }

    @Test("Cancelling the task aborts a hanging request promptly")
    func cancellationIsPrompt() async throws {
        let listener = try TestSilentTCPListener()
        try await withPhoneHTTPClient { client in
            let task = Task {
                try await client.execute(.get("\(listener.baseURL)/hang", totalTimeout: .seconds(30)))
            }
            try await Task.sleep(for: .milliseconds(200))
            let cancelled = ContinuousClock.now
            task.cancel()
            let error = await errorThrown { try await task.value }
            #expect(error is CancellationError)
            #expect(elapsedSeconds(since: cancelled) < 0.5)
        }
    }

    @Test("The client keeps working after a cancelled request")
    func clientUsableAfterCancellation() async throws {
        let listener = try TestSilentTCPListener()
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let task = Task { try await client.execute(.get("\(listener.baseURL)/hang", totalTimeout: .seconds(30))) }
                try await Task.sleep(for: .milliseconds(100))
                task.cancel()
                _ = await errorThrown { try await task.value }
                let response = try await client.execute(.get("\(server.baseURL)/hello"))
                #expect(response.status == 200)
            }
        }
    }

    @Test("A task cancelled before the request starts never reaches the server")
    func cancelledBeforeStart() async throws {
        try await TestHTTPServer.withServer { server in
            try await withPhoneHTTPClient { client in
                let task = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await client.execute(.get("\(server.baseURL)/hello"))
                }
                let error = await errorThrown { try await task.value }
                #expect(error is CancellationError)
                #expect(server.recordedRequests.isEmpty)
            }
        }
    }

    @Test("Shutdown fails in-flight requests and refuses new ones")
    func shutdownFailsInFlight() async throws {
        let listener = try TestSilentTCPListener()
        let client = PhoneHTTPClient(logger: HTTPLogCapture().logger)
        let task = Task { try await client.execute(.get("\(listener.baseURL)/hang", totalTimeout: .seconds(30))) }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        client.shutdown()
        let inFlight = await errorThrown { try await task.value }
        #expect(inFlight as? HTTPClientError == .shutDown)
        #expect(elapsedSeconds(since: start) < 1.0)
        let later = await errorThrown { try await client.execute(.get("\(listener.baseURL)/again")) }
        #expect(later as? HTTPClientError == .shutDown)
        client.shutdown()
    }
}
