import Foundation
import Synchronization

/// A stand-in for the bridge's event ingress (`/phones/{id}/events/…`) that phone emulators call back.
///
/// Like the bridge it checks `?token=`, strips it, decodes the query with Hummingbird and passes the rest on;
/// the test turns a ``Callback`` into a `PhoneEventRequest` for the driver and returns the driver's verdict.
public final class YealinkCallbackReceiver: Sendable {
    /// One callback that passed the token check.
    public struct Callback: Sendable {
        public var method: String
        /// The path below `/phones/{id}/events`, without the leading slash.
        public var subpath: String
        /// Decoded query items without the token.
        public var query: [(name: String, value: String)]
        /// Header fields, names lower-cased.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// The request target exactly as it arrived (token included).
        public var rawTarget: String
    }

    /// The verdict the handler gives, answered as the bridge would (200, 400 or 404).
    public enum Verdict: Sendable, Equatable {
        case accepted(String)
        case malformed(String)
        case unknownRoute
    }

    public typealias Handler = @Sendable (Callback) async -> Verdict

    /// The phone id in the path.
    public let phoneID: String
    /// The token phones must present.
    public let token: String
    private let listener: YealinkEmulatorListener
    private let received = Mutex<[Callback]>([])
    private let refused = Mutex(0)

    private init(phoneID: String, token: String, listener: YealinkEmulatorListener) {
        self.phoneID = phoneID
        self.token = token
        self.listener = listener
    }

    /// Starts a receiver on 127.0.0.1 that hands callbacks for `phoneID` to `handler`.
    public static func start(phoneID: String, token: String, handler: @escaping Handler) async throws
        -> YealinkCallbackReceiver
    {
        let box = Mutex<YealinkCallbackReceiver?>(nil)
        let listener = YealinkEmulatorListener(name: "YealinkCallbackReceiver") { request in
            guard let receiver = box.withLock({ $0 }) else { return YealinkEmulatorResponse(status: 503) }
            return await receiver.handle(request, handler: handler)
        }
        let receiver = YealinkCallbackReceiver(phoneID: phoneID, token: token, listener: listener)
        box.withLock { $0 = receiver }
        try await listener.start()
        return receiver
    }

    /// `http://127.0.0.1:<port>/phones/<id>/events`: what the bridge prints as `eventBaseURL`.
    public var eventBaseURL: String { "http://127.0.0.1:\(listener.port)/phones/\(phoneID)/events" }

    /// Every callback that passed the token check, in arrival order.
    public var callbacks: [Callback] { received.withLock { $0 } }
    /// How many callbacks were refused for a wrong or missing token.
    public var refusedCount: Int { refused.withLock { $0 } }

    /// Stops the receiver.
    public func stop() async {
        await listener.stop()
    }

    private func handle(_ request: YealinkEmulatorRequest, handler: Handler) async -> YealinkEmulatorResponse {
        let prefix = "/phones/\(phoneID)/events"
        let path = request.path
        guard path == prefix || path.hasPrefix(prefix + "/") else {
            return YealinkEmulatorResponse(status: 404, body: "unknown phone\n")
        }
        guard request.decodedQuery.first(where: { $0.name == "token" })?.value == token else {
            refused.withLock { $0 += 1 }
            return YealinkEmulatorResponse(status: 403, body: "forbidden\n")
        }
        let callback = Callback(
            method: request.method, subpath: String(path.dropFirst(prefix.count).drop { $0 == "/" }),
            query: request.decodedQuery.filter { $0.name != "token" }, headers: request.headers, body: request.body,
            rawTarget: request.target)
        received.withLock { $0.append(callback) }
        switch await handler(callback) {
        case .accepted(let body): return YealinkEmulatorResponse(status: 200, body: body)
        case .malformed(let reason): return YealinkEmulatorResponse(status: 400, body: "malformed event: \(reason)\n")
        case .unknownRoute: return YealinkEmulatorResponse(status: 404, body: "unknown event route\n")
        }
    }
}
