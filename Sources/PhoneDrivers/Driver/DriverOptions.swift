/// A driver's own settings from `drivers.yaml` (the phone entry's `options:` map), untyped until the driver
/// reads them. Errors name the key so the configuration loader can point at the file and line.
public struct DriverOptions: Sendable, Equatable {
    /// The raw values by key.
    public var values: [String: DriverOptionValue]

    public init(_ values: [String: DriverOptionValue] = [:]) {
        self.values = values
    }

    /// A number of seconds as a `Duration`, with bounds.
    public func seconds(_ key: String, default fallback: Double, in range: ClosedRange<Double>)
        throws(DriverOptionError) -> Duration
    {
        guard let value = values[key] else { return .milliseconds(Int64(fallback * 1000)) }
        guard case .number(let number) = value, range.contains(number) else {
            throw DriverOptionError(keyPath: key, message: "expected a number of seconds in \(range)")
        }
        return .milliseconds(Int64(number * 1000))
    }

    /// An optional string.
    public func string(_ key: String) throws(DriverOptionError) -> String? {
        guard let value = values[key] else { return nil }
        guard case .string(let string) = value else {
            throw DriverOptionError(keyPath: key, message: "expected a string")
        }
        return string
    }

    /// An optional boolean.
    /// A `Key:<name>` URI (Cisco and Poly soft keys), or nil when absent. Nothing else is accepted, so a
    /// configured value can never make the phone dial, push a `tel:` or fetch a URL.
    /// - Parameter example: what to show the installer, e.g. `Key:Speaker or Key:Soft2`.
    func keyURI(_ key: String, vendor: String, example: String) throws(DriverOptionError) -> String? {
        guard let value = try string(key) else { return nil }
        let name = value.dropFirst(4)
        guard value.hasPrefix("Key:"), !name.isEmpty, name.count <= 32,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else {
            throw DriverOptionError(keyPath: key, message: "expected a \(vendor) key URI such as \(example)")
        }
        return value
    }

    public func bool(_ key: String, default fallback: Bool) throws(DriverOptionError) -> Bool {
        guard let value = values[key] else { return fallback }
        guard case .bool(let bool) = value else {
            throw DriverOptionError(keyPath: key, message: "expected true or false")
        }
        return bool
    }

    /// A list of maps, each read by `read`; errors are re-rooted at `key[index]`.
    public func list<Element>(
        _ key: String, _ read: (DriverOptions) throws(DriverOptionError) -> Element
    ) throws(DriverOptionError) -> [Element] {
        guard let value = values[key] else { return [] }
        guard case .list(let items) = value else {
            throw DriverOptionError(keyPath: key, message: "expected a list")
        }
        var result: [Element] = []
        for (index, item) in items.enumerated() {
            guard case .map(let map) = item else {
                throw DriverOptionError(keyPath: "\(key)[\(index)]", message: "expected a map")
            }
            do {
                result.append(try read(DriverOptions(map)))
            } catch {
                throw DriverOptionError(keyPath: "\(key)[\(index)].\(error.keyPath)", message: error.message)
            }
        }
        return result
    }

    /// Refuses keys the driver does not know, so that a typo is an error instead of a silent default.
    public func allowOnly(_ known: Set<String>) throws(DriverOptionError) {
        for key in values.keys.sorted() where !known.contains(key) {
            throw DriverOptionError(
                keyPath: key, message: "unknown option (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}

/// One value of a driver option.
public indirect enum DriverOptionValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([DriverOptionValue])
    case map([String: DriverOptionValue])
}

/// A driver option that is missing, of the wrong type or out of range.
public struct DriverOptionError: Error, Sendable, Equatable {
    /// The key below the phone's `options`, like `incoming[0].everySeconds`.
    public var keyPath: String
    /// What is wrong, for a person.
    public var message: String

    public init(keyPath: String, message: String) {
        self.keyPath = keyPath
        self.message = message
    }
}
