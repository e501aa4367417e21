/// Something that performs HTTP requests for phone drivers; tests substitute an in-memory fake.
public protocol PhoneHTTPTransport: Sendable {
    /// Performs `request` and returns the final response, or throws ``HTTPClientError`` or `CancellationError`.
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse
}
