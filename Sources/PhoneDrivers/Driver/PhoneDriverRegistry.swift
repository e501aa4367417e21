/// The drivers a bridge knows, by their `drivers.yaml` name.
public struct PhoneDriverRegistry: Sendable {
    private var descriptors: [String: PhoneDriverDescriptor] = [:]

    /// An empty registry.
    public init() {}

    /// The registry with every driver this build ships.
    public static var standard: PhoneDriverRegistry {
        var registry = PhoneDriverRegistry()
        registry.register(SimulatorDriver.descriptor)
        registry.register(YealinkDriver.descriptor)
        registry.register(FanvilDriver.descriptor)
        registry.register(PolyDriver.descriptor)
        registry.register(CiscoDriver.descriptor)
        registry.register(SnomDriver.descriptor)
        registry.register(GrandstreamDriver.descriptor)
        registry.register(BaresipDriver.descriptor)
        return registry
    }

    /// Adds or replaces a driver.
    public mutating func register(_ descriptor: PhoneDriverDescriptor) {
        descriptors[descriptor.name] = descriptor
    }

    /// The descriptor for a driver name.
    public func descriptor(named name: String) -> PhoneDriverDescriptor? {
        descriptors[name]
    }

    /// Every known driver name, sorted, for error messages.
    public var names: [String] {
        descriptors.keys.sorted()
    }
}
