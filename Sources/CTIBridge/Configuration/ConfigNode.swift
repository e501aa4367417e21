import Yams

/// A node of the parsed YAML with its location, offering typed reads that fail with a located error.
struct ConfigNode {
    let node: Node
    let keyPath: String
    let file: String

    var line: Int { node.mark?.line ?? 1 }

    func error(_ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, keyPath: keyPath, message: message)
    }

    /// A scalar as text. Numbers and booleans written without quotes are accepted as text too
    /// (`extension: 201` means the string "201").
    func string() throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a string, found \(kind)") }
        return scalar.string
    }

    func int(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            throw error("expected a whole number, found \(describe)")
        }
        guard range.contains(value) else { throw error("\(value) is out of range (\(range.lowerBound)…\(range.upperBound))") }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else {
            throw error("expected a number, found \(describe)")
        }
        guard range.contains(value) else { throw error("\(value) is out of range (\(range.lowerBound)…\(range.upperBound))") }
        return value
    }

    func bool() throws(ConfigurationError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw error("expected true or false, found \(describe)") }
        return value
    }

    func mapping(allowed: Set<String>) throws(ConfigurationError) -> ConfigMapping {
        guard case .mapping(let mapping) = node else { throw error("expected a map of keys, found \(kind)") }
        var entries: [String: (key: ConfigNode, value: ConfigNode)] = [:]
        var order: [String] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigNode(node: keyNode, keyPath: keyPath, file: file).error("keys must be plain names")
            }
            let key = keyScalar.string
            let childPath = keyPath.isEmpty ? key : "\(keyPath).\(key)"
            let keyConfig = ConfigNode(node: keyNode, keyPath: childPath, file: file)
            guard entries[key] == nil else { throw keyConfig.error("duplicate key") }
            guard allowed.contains(key) else {
                throw keyConfig.error("unknown key (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            entries[key] = (keyConfig, ConfigNode(node: valueNode, keyPath: childPath, file: file))
            order.append(key)
        }
        return ConfigMapping(owner: self, entries: entries, order: order)
    }

    func sequence() throws(ConfigurationError) -> [ConfigNode] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || node.null != nil { return [] }
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(kind)") }
        return sequence.enumerated().map { index, child in
            ConfigNode(node: child, keyPath: "\(keyPath)[\(index)]", file: file)
        }
    }

    func stringList() throws(ConfigurationError) -> [String] {
        var result: [String] = []
        for item in try sequence() { result.append(try item.string()) }
        return result
    }

    private var kind: String {
        switch node {
        case .scalar: "a value"
        case .mapping: "a map"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private var describe: String {
        if case .scalar(let scalar) = node { return "\"\(scalar.string)\"" }
        return kind
    }
}

/// The keys of one YAML map, each read at most once through typed accessors.
struct ConfigMapping {
    let owner: ConfigNode
    let entries: [String: (key: ConfigNode, value: ConfigNode)]
    let order: [String]

    subscript(key: String) -> ConfigNode? {
        guard let value = entries[key]?.value else { return nil }
        // `key:` with nothing after it means "not given".
        if case .scalar(let scalar) = value.node, value.node.null != nil, scalar.style == .plain { return nil }
        return value
    }

    func required(_ key: String) throws(ConfigurationError) -> ConfigNode {
        guard let node = self[key] else {
            throw ConfigurationError(
                file: owner.file, line: owner.line, keyPath: path(key), message: "missing (required)")
        }
        return node
    }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        try self[key]?.string()
    }

    func requiredString(_ key: String) throws(ConfigurationError) -> String {
        let node = try required(key)
        let value = try node.string()
        guard !value.isEmpty else { throw node.error("must not be empty") }
        return value
    }

    func path(_ key: String) -> String {
        owner.keyPath.isEmpty ? key : "\(owner.keyPath).\(key)"
    }

    /// Reads a secret given inline (`password: …`) or through an environment variable (`passwordEnv: NAME`).
    func secret(_ key: String, environment: [String: String]) throws(ConfigurationError) -> String? {
        let inline = try string(key)
        guard let variableNode = self[key + "Env"] else { return inline }
        let variable = try variableNode.string()
        if inline != nil {
            throw variableNode.error("give either \(key) or \(key)Env, not both")
        }
        guard let value = environment[variable], !value.isEmpty else {
            throw variableNode.error("environment variable \(variable) is not set")
        }
        return value
    }
}
