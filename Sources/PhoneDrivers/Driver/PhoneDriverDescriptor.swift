/// Describes one driver kind: its `drivers.yaml` name, what it needs, and how to make one.
///
/// Like swift-log's `LogHandler` factories, a descriptor is the only thing the bridge knows about a vendor:
/// adding a vendor means adding one descriptor to the registry.
public struct PhoneDriverDescriptor: Sendable {
    /// The `driver:` value in `drivers.yaml`.
    public var name: String
    /// Whether phones of this driver need a `url:`.
    public var requiresURL: Bool
    /// Checks a phone entry's driver-specific settings without creating anything (`ctibridge check`).
    public var validate: @Sendable (PhoneConfiguration) throws(DriverOptionError) -> Void
    /// Creates the driver for one phone. Must not do I/O.
    public var make: @Sendable (PhoneConfiguration, PhoneDriverContext) throws -> any PhoneDriver
    /// The settings an installer puts on the phone, in the vendor's provisioning syntax.
    public var provisioning: @Sendable (PhoneConfiguration, PhoneProvisioning) -> String

    public init(
        name: String, requiresURL: Bool,
        validate: @escaping @Sendable (PhoneConfiguration) throws(DriverOptionError) -> Void,
        make: @escaping @Sendable (PhoneConfiguration, PhoneDriverContext) throws -> any PhoneDriver,
        provisioning: @escaping @Sendable (PhoneConfiguration, PhoneProvisioning) -> String
    ) {
        self.name = name
        self.requiresURL = requiresURL
        self.validate = validate
        self.make = make
        self.provisioning = provisioning
    }
}
