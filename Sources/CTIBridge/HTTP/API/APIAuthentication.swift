import Hummingbird

/// Requires `Authorization: Bearer <key>` with one of the configured API keys on every `/api/v1` route.
///
/// Keys are compared in constant time. With no key configured the API refuses everything: an open API on a
/// contact centre's network would let anyone dial from any agent's phone.
struct APIAuthentication: RouterMiddleware {
    typealias Context = BridgeRequestContext
    let keys: [APIKey]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // Click-to-dial links carry their own per-agent token (see ClickToDialRoute).
        if request.uri.path.hasSuffix("/dial"), request.method == .get { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let presented = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
        var matched = false
        for key in keys where ConstantTime.equal(presented, key.key) { matched = true }
        guard matched else {
            let message =
                keys.isEmpty
                ? "the REST API is disabled: configure bridge.apiKeys"
                : (header.isEmpty ? "send Authorization: Bearer <API key>" : "unknown API key")
            return APIError.response(CommandFailure(.unauthorized, message))
        }
        return try await next(request, context)
    }
}
