import Foundation
import Hummingbird
import Logging
import Metrics
import PhoneDrivers

/// The HTTP door through which phones report events (`/phones/{phoneId}/events…`).
///
/// Phones sign nothing, so every callback must carry the phone's secret token (`?token=`) and, where the
/// installer configured `allowFrom`, come from one of its addresses. Anything else is refused with 403 and
/// counted, malformed callbacks get 400 and are counted, and nothing refused ever reaches the state.
struct PhoneEventIngress: Sendable {
    /// The largest callback body accepted (Poly's XML events are a few KB).
    static let maximumBodyBytes = 64 * 1024

    struct Phone: Sendable, CustomStringConvertible {
        let session: PhoneSession
        let token: String
        let allowFrom: [AddressRange]

        var description: String { "Phone(\(session.id))" }
    }

    let phones: [String: Phone]
    let logger: Logger

    func register(on router: Router<BridgeRequestContext>) {
        for path in ["/phones/:phoneId/events", "/phones/:phoneId/events/**"] {
            router.get(RouterPath(path)) { request, context in try await handle(request, context: context) }
            router.post(RouterPath(path)) { request, context in try await handle(request, context: context) }
        }
    }

    func handle(_ request: Request, context: BridgeRequestContext) async throws -> Response {
        let phoneID = context.parameters.get("phoneId") ?? ""
        guard let phone = phones[phoneID] else {
            Self.count(driver: "unknown", result: "unknownPhone")
            return JSONResponse.text("unknown phone\n", status: .notFound)
        }
        let driver = phone.session.driverName
        var query: [(name: String, value: String)] = []
        for (name, value) in request.uri.queryParameters {
            query.append((String(name), String(value)))
        }
        // The token is compared in constant time so response timing reveals nothing about it.
        let presented = query.first { $0.name == "token" }?.value ?? request.headers[.init("X-CTI-Token")!] ?? ""
        guard ConstantTime.equal(presented, phone.token) else {
            Self.count(driver: driver, result: "forbidden")
            logger.notice("phone event refused: wrong or missing token", metadata: ["phone.id": "\(phoneID)"])
            return JSONResponse.text("forbidden\n", status: .forbidden)
        }
        if !phone.allowFrom.isEmpty {
            let peer = context.peerIP ?? ""
            guard phone.allowFrom.contains(where: { $0.contains(peer) }) else {
                Self.count(driver: driver, result: "forbidden")
                logger.notice(
                    "phone event refused: source address not in allowFrom",
                    metadata: ["phone.id": "\(phoneID)", "peer": "\(peer)"])
                return JSONResponse.text("forbidden\n", status: .forbidden)
            }
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBodyBytes)
        } catch {
            Self.count(driver: driver, result: "malformed")
            return JSONResponse.text("event body too large\n", status: .contentTooLarge)
        }
        let subpath = context.parameters.getCatchAll().joined(separator: "/")
        let headers = request.headers.map { (name: $0.name.canonicalName.lowercased(), value: $0.value) }
        let event = PhoneEventRequest(
            method: request.method.rawValue, subpath: subpath, query: query.filter { $0.name != "token" },
            headers: headers, body: Array(buffer: body))
        switch await phone.session.receive(event) {
        case .accepted(let responseBody):
            Self.count(driver: driver, result: "accepted")
            return JSONResponse.text(responseBody, status: .ok)
        case .malformed(let reason):
            Self.count(driver: driver, result: "malformed")
            logger.info("malformed phone event", metadata: ["phone.id": "\(phoneID)", "reason": "\(reason)"])
            return JSONResponse.text("malformed event: \(reason)\n", status: .badRequest)
        case .unknownRoute:
            Self.count(driver: driver, result: "unknownRoute")
            return JSONResponse.text("unknown event route\n", status: .notFound)
        }
    }

    private static func count(driver: String, result: String) {
        Counter(label: "ctibridge_phone_events_total", dimensions: [("driver", driver), ("result", result)]).increment()
    }
}

/// Comparison whose duration does not depend on where two secrets differ.
enum ConstantTime {
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && left.count == right.count
    }
}
