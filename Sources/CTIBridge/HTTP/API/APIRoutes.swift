import CallModel
import Foundation
import Hummingbird
import NIOCore
import PhoneDrivers
import Presence

/// The REST API (contract section 4): the same objects as MQTT, commands, contacts, history and resync.
struct APIRoutes: Sendable {
    let coordinator: AgentCoordinator
    let dispatcher: CommandDispatcher
    let reconciler: CallReconciler
    let fleet: PhoneFleet
    let phonePayloads: @Sendable () async -> [PhonePayload]
    let clickToDialTokens: [String: String]

    func register(on router: Router<BridgeRequestContext>, keys: [APIKey]) {
        let api = router.group("/api/v1").add(middleware: APIAuthentication(keys: keys))
        api.get("/openapi.json") { _, _ in
            JSONResponse.text(OpenAPIDocument.json, status: .ok, contentType: "application/json; charset=utf-8")
        }
        api.get("/agents") { _, _ in JSONResponse.make(await coordinator.agentObjects) }
        api.get("/agents/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let agent = await coordinator.agentObject(id) else { return APIError.notFound("no agent \"\(id.prefix(64))\"") }
            return JSONResponse.make(agent)
        }
        api.get("/phones") { _, _ in JSONResponse.make(await phonePayloads()) }
        api.get("/calls") { _, _ in JSONResponse.make(await coordinator.liveCalls) }
        api.get("/queues") { _, _ in JSONResponse.make(await coordinator.queueObjects) }
        api.get("/contacts") { request, _ in
            let query = String(request.uri.queryParameters.get("q") ?? "")
            guard query.count <= 100 else {
                return APIError.response(CommandFailure(.badRequest, "q is longer than 100 characters"))
            }
            return JSONResponse.make(await coordinator.searchContacts(query))
        }
        api.get("/agents/:id/favorites") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let favorites = await coordinator.favorites(agent: id) else {
                return APIError.notFound("no agent \"\(id.prefix(64))\"")
            }
            return JSONResponse.make(favorites)
        }
        api.get("/agents/:id/history") { request, context in
            let id = context.parameters.get("id") ?? ""
            guard await coordinator.agentObject(id) != nil else { return APIError.notFound("no agent \"\(id.prefix(64))\"") }
            let missed = request.uri.queryParameters.get("missed") == "true"
            let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 100
            guard (1...500).contains(limit) else {
                return APIError.response(CommandFailure(.badRequest, "limit must be 1 to 500"))
            }
            return JSONResponse.make(try await coordinator.history(agent: id, missedOnly: missed, limit: limit))
        }
        api.post("/agents/:id/commands") { request, context in
            var request = request
            let id = context.parameters.get("id") ?? ""
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: CommandRequest.maximumBytes)
            } catch {
                return APIError.response(
                    CommandFailure(.badRequest, "the command is larger than \(CommandRequest.maximumBytes) bytes"))
            }
            let result = await dispatcher.enqueue(agent: id, body: Array(buffer: body)).value
            return JSONResponse.make(result, status: .init(code: result.httpStatus))
        }
        api.post("/phones/:id/resync") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard fleet.sessions[id] != nil else {
                return APIError.response(CommandFailure(.unknownAgent, "no phone \"\(id.prefix(64))\""))
            }
            do throws(PhoneCommandError) {
                guard let outcome = try await reconciler.reconcile(phone: id) else {
                    return APIError.response(CommandFailure(.notSupported, "phone \(id) cannot list its calls"))
                }
                return JSONResponse.make(CommandResult.success(requestID: nil, changes: outcome.changes))
            } catch {
                return APIError.response(CommandFailure(CommandDispatcher.code(for: error), error.message))
            }
        }
        api.get("/agents/:id/dial") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await clickToDial(request, agent: id)
        }
    }

    /// `GET /api/v1/agents/{id}/dial?to=…&token=…`: a link template a CRM can put behind a phone number.
    ///
    /// The token is the agent's own click-to-dial token, which can do nothing but make her phone dial; an API
    /// key never appears in a URL (URLs end up in browser history and proxy logs). Identical clicks within five
    /// seconds dial once.
    private func clickToDial(_ request: Request, agent: String) async -> Response {
        let token = String(request.uri.queryParameters.get("token") ?? "")
        guard let expected = clickToDialTokens[agent], ConstantTime.equal(token, expected) else {
            return APIError.response(CommandFailure(.unauthorized, "missing or wrong click-to-dial token for this agent"))
        }
        let to = String(request.uri.queryParameters.get("to") ?? "")
        let window = Int(Date().timeIntervalSince1970 / 5)
        let body: [String: String] = ["action": "dial", "to": to, "requestId": "click-to-dial:\(to.prefix(64)):\(window)"]
        let bytes = (try? JSONEncoder().encode(body)).map(Array.init) ?? []
        let result = await dispatcher.enqueue(agent: agent, body: bytes).value
        return JSONResponse.make(result, status: .init(code: result.httpStatus))
    }
}
