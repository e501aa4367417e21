import Hummingbird

/// Hands every request (body included) to `record` before routing, so a fake phone keeps what it was sent even
/// when no route matches or a route refuses it.
public struct RequestRecordingMiddleware: RouterMiddleware {
    public typealias Context = BasicRequestContext
    private let record: @Sendable (ReceivedHTTPRequest) -> Void

    /// Creates a middleware calling `record` once per request, in arrival order.
    public init(record: @escaping @Sendable (ReceivedHTTPRequest) -> Void) {
        self.record = record
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        record(try await ReceivedHTTPRequest(collecting: &request))
        return try await next(request, context)
    }
}
