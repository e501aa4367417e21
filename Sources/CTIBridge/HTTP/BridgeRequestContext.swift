import Hummingbird
import NIOCore

/// The request context of the bridge's HTTP server: Hummingbird's core storage plus the peer address,
/// which the phone event ingress checks against a phone's `allowFrom`.
struct BridgeRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text (`127.0.0.1`, `::1`), if the connection has one.
    var peerIP: String? {
        remoteAddress?.ipAddress
    }
}
