/// A problem in `drivers.yaml`, located by file, line and key path, as the contract prescribes:
/// `drivers.yaml:42: phones[3].driver: unknown driver "yelink" (known: …)`.
struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    var file: String
    var line: Int
    /// The dotted path to the key (`phones[3].driver`), or empty for problems with the file as a whole.
    var keyPath: String
    var message: String

    var description: String {
        keyPath.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line): \(keyPath): \(message)"
    }
}
