import Hummingbird

extension RestartableHTTPServer {
    /// Answers one request by hand.
    public typealias Handler = @Sendable (ReceivedHTTPRequest) async -> HTTPReply

    /// Starts with every request, whatever its path, handed to `handler`: for fakes that dispatch themselves,
    /// for example on the raw query, which routes would decode first.
    public func start(handler: @escaping Handler) async throws {
        let router = Router()
        router.middlewares.add(HandlerMiddleware(handler: handler))
        try await start(router)
    }
}

/// Hands every request to the handler; nothing reaches the router's routes.
private struct HandlerMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let handler: RestartableHTTPServer.Handler

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        return await handler(try await ReceivedHTTPRequest(collecting: &request)).response
    }
}
