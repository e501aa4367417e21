import Hummingbird

/// Error answers of the REST API: always the contract's JSON result with a code and a message.
enum APIError {
    static func response(_ failure: CommandFailure) -> Response {
        JSONResponse.make(CommandResult.failure(failure), status: .init(code: failure.httpStatus))
    }

    static func notFound(_ what: String) -> Response {
        response(CommandFailure(.unknownAgent, what))
    }
}
