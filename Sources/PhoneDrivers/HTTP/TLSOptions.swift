/// Certificate verification settings for HTTPS requests to one phone.
public struct TLSOptions: Sendable, Hashable {
    /// A PEM file of CA certificates to trust instead of the system store; `nil` uses the system store.
    public var caFile: String?
    /// Skips peer and host name verification; set only for phones with self-signed certificates.
    public var insecure: Bool

    /// Creates TLS options; the default verifies against the system trust store.
    public init(caFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.insecure = insecure
    }

    /// Verify against the system trust store.
    public static let verified = TLSOptions()
    /// Skip certificate verification (self-signed phone certificates).
    public static let insecure = TLSOptions(insecure: true)
}
