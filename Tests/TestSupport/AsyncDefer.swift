/// Runs `body`, then `cleanup`, also when `body` throws: the `defer` Swift lacks for async cleanup such as
/// stopping a server a test started.
public func withAsyncDefer<Result>(
    _ cleanup: () async -> Void, _ body: () async throws -> Result
) async rethrows -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return result
}
