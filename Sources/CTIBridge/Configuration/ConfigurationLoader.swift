import CallModel
import Foundation
import PhoneDrivers
import Presence
import Yams

/// Reads `drivers.yaml` into a `BridgeConfiguration`, refusing anything invalid with a located error.
///
/// Unknown keys are errors too: a misspelt `wrapSecnds` must not silently become the default.
struct ConfigurationLoader {
    var registry: PhoneDriverRegistry = .standard
    var environment: [String: String] = ProcessInfo.processInfo.environment

    /// Loads a file; `displayName` defaults to the path as given, so messages match what the user typed.
    func load(path: String) throws(ConfigurationError) -> BridgeConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, line: 0, keyPath: "", message: "cannot read the file (\(error.localizedDescription))")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try load(yaml: text, file: path, baseFolder: folder)
    }

    /// Loads YAML text; relative paths in it are resolved against `baseFolder`.
    func load(yaml: String, file: String, baseFolder: String) throws(ConfigurationError) -> BridgeConfiguration {
        let root: Node
        do {
            root = try Yams.compose(yaml: yaml, Self.resolver) ?? Node.mapping(Node.Mapping([]))
        } catch let error as YamlError {
            throw Self.syntaxError(error, file: file)
        } catch {
            throw ConfigurationError(file: file, line: 1, keyPath: "", message: "not valid YAML: \(error)")
        }
        var reader = Reader(file: file, baseFolder: baseFolder, registry: registry, environment: environment)
        return try reader.read(ConfigNode(node: root, keyPath: "", file: file))
    }

    /// Tags only ever matter for booleans here (numbers are read from the text), so plain scalars are matched
    /// against the YAML boolean rule alone: Yams resolves the tag of every mapping key while checking for
    /// duplicates, and the default rules cost seven regular expressions per key (a third of reading a
    /// 10,000-phone file).
    static let resolver = Resolver.basic.appending(.bool)

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigurationError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = [context.map { "\($0.text)" }, problem].compactMap { $0 }.joined(separator: ": ")
            return ConfigurationError(file: file, line: mark.line, keyPath: "", message: "YAML syntax error: \(detail)")
        default:
            return ConfigurationError(file: file, line: 1, keyPath: "", message: "YAML syntax error: \(error)")
        }
    }
}

/// The reading pass: one method per section, cross-references checked once every section is known.
private struct Reader {
    let file: String
    let baseFolder: String
    let registry: PhoneDriverRegistry
    let environment: [String: String]

    mutating func read(_ root: ConfigNode) throws(ConfigurationError) -> BridgeConfiguration {
        let top = try root.mapping(allowed: ["bridge", "mqtt", "queues", "presences", "agents", "phones", "contacts"])
        let bridge = try readBridge(top["bridge"])
        let mqtt = try readMQTT(top["mqtt"], bridgeID: bridge.id)
        let queues = try readQueues(top["queues"])
        let presences = try readPresences(top["presences"])
        let phones = try readPhones(top["phones"])
        let agents = try readAgents(top["agents"], queues: queues, phones: phones)
        let contacts = try readContacts(top["contacts"])
        return BridgeConfiguration(
            bridge: bridge, mqtt: mqtt, queues: queues, presences: presences, agents: agents, phones: phones,
            contacts: contacts)
    }

    // MARK: bridge

    func readBridge(_ node: ConfigNode?) throws(ConfigurationError) -> BridgeSettings {
        guard let node else {
            return BridgeSettings(
                id: "ctibridge", listenHost: "127.0.0.1", listenPort: 8080, publicURL: "http://127.0.0.1:8080",
                apiKeys: [], statePath: resolve("./var/ctibridge.sqlite"), defaultCountry: nil,
                phoneHealth: HealthProbePolicy())
        }
        let map = try node.mapping(allowed: ["id", "http", "apiKeys", "state", "defaultCountry", "phoneHealth", "reconcileSeconds"])
        let id = try map["id"].map { (node) throws(ConfigurationError) in try topicSafeID(node) } ?? "ctibridge"

        var host = "127.0.0.1"
        var port = 8080
        var publicURL: String?
        if let httpNode = map["http"] {
            let http = try httpNode.mapping(allowed: ["listen", "publicUrl"])
            if let listen = http["listen"] {
                (host, port) = try hostAndPort(listen)
            }
            if let urlNode = http["publicUrl"] {
                publicURL = try httpURL(urlNode)
            }
        }

        var keys: [APIKey] = []
        if let keysNode = map["apiKeys"] {
            for item in try keysNode.sequence() {
                let entry = try item.mapping(allowed: ["name", "key", "keyEnv"])
                let name = try entry.requiredString("name")
                if keys.contains(where: { $0.name == name }) {
                    throw try entry.required("name").error("duplicate API key name \"\(name)\"")
                }
                guard let key = try entry.secret("key", environment: environment) else {
                    throw ConfigurationError(
                        file: file, line: item.line, keyPath: item.keyPath, message: "needs key or keyEnv")
                }
                guard key.utf8.count >= 16 else {
                    throw (entry["key"] ?? entry["keyEnv"] ?? item).error("an API key needs at least 16 characters")
                }
                keys.append(APIKey(name: name, key: key))
            }
        }

        var country: String?
        if let countryNode = map["defaultCountry"] {
            let value = try countryNode.string().uppercased()
            guard NumberPlan.callingCode(forCountry: value) != nil else {
                throw countryNode.error("unknown country \"\(value)\" (an ISO 3166 code such as GB, US, DE)")
            }
            country = value
        }

        var health = HealthProbePolicy()
        if let healthNode = map["phoneHealth"] {
            let healthMap = try healthNode.mapping(allowed: ["intervalSeconds", "retrySeconds", "retryMaxSeconds"])
            if let node = healthMap["intervalSeconds"] {
                health.interval = .milliseconds(Int64(try node.double(in: 0.05...3600) * 1000))
            }
            if let node = healthMap["retrySeconds"] {
                health.retryInitial = .milliseconds(Int64(try node.double(in: 0.05...3600) * 1000))
            }
            if let node = healthMap["retryMaxSeconds"] {
                health.retryMaximum = .milliseconds(Int64(try node.double(in: 0.05...86400) * 1000))
            }
            health.retryMaximum = max(health.retryMaximum, health.retryInitial)
            health.initialSpread = min(health.initialSpread, health.interval)
        }

        let state = try map.string("state") ?? "./var/ctibridge.sqlite"
        let listenURLHost = host.contains(":") ? "[\(host)]" : host
        return BridgeSettings(
            id: id, listenHost: host, listenPort: port,
            publicURL: publicURL ?? "http://\(listenURLHost):\(port)", apiKeys: keys, statePath: resolve(state),
            defaultCountry: country, phoneHealth: health,
            reconcileSeconds: try map["reconcileSeconds"]?.double(in: 0.5...3600) ?? 5)
    }

    // MARK: mqtt

    func readMQTT(_ node: ConfigNode?, bridgeID: String) throws(ConfigurationError) -> MQTTSettings {
        var settings = MQTTSettings(
            url: "mqtt://127.0.0.1:1883", clientID: "ctibridge-\(bridgeID)", username: nil, password: nil,
            topicPrefix: "cti", caFile: nil, keepAliveSeconds: 30)
        guard let node else { return settings }
        let map = try node.mapping(allowed: [
            "url", "clientId", "username", "password", "passwordEnv", "topicPrefix", "caFile", "keepAliveSeconds",
        ])
        if let urlNode = map["url"] {
            let url = try urlNode.string()
            guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
                let host = parsed.host, !host.isEmpty
            else { throw urlNode.error("not a URL like mqtt://host:1883") }
            guard scheme == "mqtt" || scheme == "mqtts" else {
                throw urlNode.error("unsupported scheme \"\(scheme)\" (mqtt or mqtts)")
            }
            if let port = parsed.port, !(1...65535).contains(port) { throw urlNode.error("port out of range") }
            settings.url = url
        }
        if let clientNode = map["clientId"] {
            let clientID = try clientNode.string()
            guard !clientID.isEmpty, clientID.utf8.count <= 128 else { throw clientNode.error("must be 1 to 128 bytes") }
            settings.clientID = clientID
        }
        settings.username = try map.string("username")
        settings.password = try map.secret("password", environment: environment)
        if let prefixNode = map["topicPrefix"] {
            let prefix = try prefixNode.string()
            guard !prefix.isEmpty, !prefix.contains(where: { "+#\0".contains($0) }), !prefix.hasPrefix("/"),
                !prefix.hasSuffix("/")
            else { throw prefixNode.error("must be a topic level path without +, # or leading/trailing /") }
            settings.topicPrefix = prefix
        }
        if let caNode = map["caFile"] {
            settings.caFile = try existingFile(caNode)
        }
        if let keepAlive = map["keepAliveSeconds"] {
            settings.keepAliveSeconds = try keepAlive.int(in: 5...3600)
        }
        return settings
    }

    // MARK: queues and presences

    func readQueues(_ node: ConfigNode?) throws(ConfigurationError) -> [QueueConfiguration] {
        var queues: [QueueConfiguration] = []
        for item in try node?.sequence() ?? [] {
            let map = try item.mapping(allowed: ["id", "name", "wrapSeconds", "numbers"])
            let idNode = try map.required("id")
            let id = try topicSafeID(idNode)
            if queues.contains(where: { $0.id == id }) { throw idNode.error("duplicate queue id \"\(id)\"") }
            var numbers: [String] = []
            for numberNode in try map["numbers"]?.sequence() ?? [] {
                let number = try numberNode.string()
                guard number.contains(where: \.isNumber), number.allSatisfy({ "+0123456789 -().".contains($0) }) else {
                    throw numberNode.error("\"\(number)\" is not a phone number")
                }
                numbers.append(number)
            }
            queues.append(
                QueueConfiguration(
                    id: id, name: try map.string("name") ?? id,
                    wrapSeconds: try map["wrapSeconds"]?.int(in: 0...86400) ?? 0, numbers: numbers))
        }
        return queues
    }

    func readPresences(_ node: ConfigNode?) throws(ConfigurationError) -> [PresenceDefinition] {
        guard let node else { return PresenceDefinition.defaults }
        var presences: [PresenceDefinition] = []
        for item in try node.sequence() {
            let map = try item.mapping(allowed: ["id", "name", "availability"])
            let idNode = try map.required("id")
            let id = try topicSafeID(idNode)
            if presences.contains(where: { $0.id == id }) { throw idNode.error("duplicate presence id \"\(id)\"") }
            let availabilityNode = try map.required("availability")
            guard let availability = Availability(rawValue: try availabilityNode.string()) else {
                throw availabilityNode.error("must be available or unavailable")
            }
            presences.append(PresenceDefinition(id: id, name: try map.string("name") ?? id, availability: availability))
        }
        guard !presences.isEmpty else { throw node.error("at least one presence is needed") }
        return presences
    }

    // MARK: agents

    func readAgents(_ node: ConfigNode?, queues: [QueueConfiguration], phones: [PhoneEntry])
        throws(ConfigurationError) -> [AgentConfiguration]
    {
        var agents: [AgentConfiguration] = []
        var agentIDs: Set<String> = []
        var phoneOwner: [String: String] = [:]
        // Sets, not list searches: a site with 10,000 agents and phones would spend seconds comparing strings.
        let knownQueues = Set(queues.map(\.id))
        let knownPhones = Set(phones.map(\.id))
        for item in try node?.sequence() ?? [] {
            let map = try item.mapping(allowed: [
                "id", "name", "extension", "queues", "phones", "mode", "clickToDialToken", "clickToDialTokenEnv",
            ])
            let idNode = try map.required("id")
            let id = try topicSafeID(idNode)
            guard agentIDs.insert(id).inserted else { throw idNode.error("duplicate agent id \"\(id)\"") }

            var queueIDs: [String] = []
            for queueNode in try map["queues"]?.sequence() ?? [] {
                let queueID = try queueNode.string()
                guard knownQueues.contains(queueID) else {
                    throw queueNode.error("unknown queue \"\(queueID)\" (known: \(Self.list(queues.map(\.id))))")
                }
                queueIDs.append(queueID)
            }
            var phoneIDs: [String] = []
            for phoneNode in try map["phones"]?.sequence() ?? [] {
                let phoneID = try phoneNode.string()
                guard knownPhones.contains(phoneID) else {
                    throw phoneNode.error("unknown phone \"\(phoneID)\" (known: \(Self.list(phones.map(\.id))))")
                }
                if let owner = phoneOwner[phoneID] {
                    throw phoneNode.error("phone \"\(phoneID)\" already belongs to agent \"\(owner)\"")
                }
                phoneOwner[phoneID] = id
                phoneIDs.append(phoneID)
            }
            var mode = AgentMode.deskphone
            if let modeNode = map["mode"] {
                guard let parsed = AgentMode(rawValue: try modeNode.string()) else {
                    throw modeNode.error("must be deskphone or softphone")
                }
                mode = parsed
            }
            var extensionNumber: String?
            if let extensionNode = map["extension"] {
                let value = try extensionNode.string()
                guard !value.isEmpty, value.count <= 32, value.allSatisfy({ $0.isASCII && ($0.isNumber || "*#+".contains($0)) })
                else { throw extensionNode.error("an extension is digits (with *, # or a leading +)") }
                extensionNumber = value
            }
            var clickToDialToken: String?
            if let token = try map.secret("clickToDialToken", environment: environment) {
                guard token.utf8.count >= 16, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) })
                else {
                    throw (map["clickToDialToken"] ?? map["clickToDialTokenEnv"] ?? item).error(
                        "a click-to-dial token needs at least 16 letters, digits, - or _")
                }
                clickToDialToken = token
            }
            agents.append(
                AgentConfiguration(
                    id: id, name: try map.string("name") ?? id, extensionNumber: extensionNumber, queues: queueIDs,
                    phones: phoneIDs, mode: mode, clickToDialToken: clickToDialToken))
        }
        return agents
    }

    // MARK: phones

    func readPhones(_ node: ConfigNode?) throws(ConfigurationError) -> [PhoneEntry] {
        var phones: [PhoneEntry] = []
        var phoneIDs: Set<String> = []
        for item in try node?.sequence() ?? [] {
            let map = try item.mapping(allowed: [
                "id", "driver", "url", "username", "password", "passwordEnv", "eventToken", "eventTokenEnv",
                "allowFrom", "maxRingSeconds", "model", "tls", "timeouts", "options",
            ])
            let idNode = try map.required("id")
            let id = try topicSafeID(idNode)
            guard phoneIDs.insert(id).inserted else { throw idNode.error("duplicate phone id \"\(id)\"") }

            let driverNode = try map.required("driver")
            let driverName = try driverNode.string()
            guard let descriptor = registry.descriptor(named: driverName) else {
                throw driverNode.error(
                    "unknown driver \"\(driverName)\" (known: \(registry.names.joined(separator: ", ")))")
            }

            var url: String?
            if let urlNode = map["url"] {
                url = try httpURL(urlNode)
            } else if descriptor.requiresURL {
                throw ConfigurationError(
                    file: file, line: item.line, keyPath: map.path("url"),
                    message: "missing: the \(driverName) driver needs the phone's URL")
            }

            var token: String?
            if let value = try map.secret("eventToken", environment: environment) {
                guard value.utf8.count >= 16, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) })
                else {
                    throw (map["eventToken"] ?? map["eventTokenEnv"] ?? item).error(
                        "an event token needs at least 16 letters, digits, - or _")
                }
                token = value
            }

            var allowFrom: [AddressRange] = []
            for addressNode in try map["allowFrom"]?.sequence() ?? [] {
                let text = try addressNode.string()
                guard let range = AddressRange(text) else {
                    throw addressNode.error("\"\(text)\" is not an IP address or CIDR range")
                }
                allowFrom.append(range)
            }

            var caFile: String?
            var insecure = false
            if let tlsNode = map["tls"] {
                let tls = try tlsNode.mapping(allowed: ["caFile", "insecure"])
                if let caNode = tls["caFile"] { caFile = try existingFile(caNode) }
                insecure = try tls["insecure"]?.bool() ?? false
            }
            var connectTimeout = Duration.seconds(2)
            var requestTimeout = Duration.seconds(5)
            if let timeoutsNode = map["timeouts"] {
                let timeouts = try timeoutsNode.mapping(allowed: ["connectSeconds", "requestSeconds"])
                if let node = timeouts["connectSeconds"] {
                    connectTimeout = .milliseconds(Int64(try node.double(in: 0.05...60) * 1000))
                }
                if let node = timeouts["requestSeconds"] {
                    requestTimeout = .milliseconds(Int64(try node.double(in: 0.05...300) * 1000))
                }
            }

            let optionsNode = map["options"]
            let options = try optionsNode.map { (node) throws(ConfigurationError) in try driverOptions(node) } ?? DriverOptions()
            let configuration = PhoneConfiguration(
                id: id, driver: driverName, url: url, username: try map.string("username"),
                password: try map.secret("password", environment: environment), model: try map.string("model"),
                maxRingSeconds: try map["maxRingSeconds"]?.int(in: 5...3600) ?? 120, caFile: caFile,
                insecureTLS: insecure, connectTimeout: connectTimeout, requestTimeout: requestTimeout,
                options: options)
            do {
                try descriptor.validate(configuration)
            } catch {
                let located = optionsNode.flatMap { locate(error.keyPath, in: $0) } ?? optionsNode ?? item
                throw ConfigurationError(
                    file: file, line: located.line, keyPath: "\(map.path("options")).\(error.keyPath)",
                    message: error.message)
            }
            phones.append(PhoneEntry(configuration: configuration, eventToken: token, allowFrom: allowFrom))
        }
        return phones
    }

    func readContacts(_ node: ConfigNode?) throws(ConfigurationError) -> ContactsSettings? {
        guard let node else { return nil }
        let map = try node.mapping(allowed: ["file"])
        return ContactsSettings(file: try existingFile(try map.required("file")))
    }

    // MARK: Value readers

    /// Ids appear in MQTT topics and URLs, so they are restricted to characters safe in both.
    func topicSafeID(_ node: ConfigNode) throws(ConfigurationError) -> String {
        let id = try node.string()
        guard !id.isEmpty, id.count <= 64,
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { throw node.error("\"\(id)\" is not a valid id (1 to 64 letters, digits, -, _ or .)") }
        return id
    }

    func hostAndPort(_ node: ConfigNode) throws(ConfigurationError) -> (String, Int) {
        let text = try node.string()
        var host: Substring
        var portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(after: close)...].drop { $0 == ":" }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            throw node.error("expected host:port, like 127.0.0.1:8080")
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw node.error("expected host:port with a port from 0 to 65535")
        }
        return (String(host), port)
    }

    func httpURL(_ node: ConfigNode) throws(ConfigurationError) -> String {
        let text = try node.string()
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { throw node.error("\"\(text)\" is not an http:// or https:// URL") }
        if url.user != nil || url.password != nil {
            throw node.error("put credentials in username/password, not in the URL")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    func existingFile(_ node: ConfigNode) throws(ConfigurationError) -> String {
        let path = resolve(try node.string())
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw node.error("file \(path) does not exist or cannot be read")
        }
        return path
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: baseFolder).appendingPathComponent(path).standardizedFileURL.path
    }

    func driverOptions(_ node: ConfigNode) throws(ConfigurationError) -> DriverOptions {
        guard case .map(let values) = try optionValue(node) else { throw node.error("expected a map of options") }
        return DriverOptions(values)
    }

    func optionValue(_ node: ConfigNode) throws(ConfigurationError) -> DriverOptionValue {
        switch node.node {
        case .scalar(let scalar):
            if scalar.style == .plain, let bool = node.node.bool { return .bool(bool) }
            if scalar.style == .plain, let number = Double(scalar.string) { return .number(number) }
            return .string(scalar.string)
        case .sequence:
            var items: [DriverOptionValue] = []
            for child in try node.sequence() { items.append(try optionValue(child)) }
            return .list(items)
        case .mapping:
            let mapping = try node.mapping(allowed: Set(node.node.mapping?.keys.compactMap(\.string) ?? []))
            var values: [String: DriverOptionValue] = [:]
            for key in mapping.order {
                if let child = mapping[key] { values[key] = try optionValue(child) }
            }
            return .map(values)
        case .alias:
            throw node.error("aliases are not supported here")
        }
    }

    /// Finds the node for a driver's relative key path (`incoming[0].from`) to report its line.
    func locate(_ keyPath: String, in node: ConfigNode) -> ConfigNode? {
        var current = node.node
        for component in keyPath.split(separator: ".") {
            var name = Substring(component)
            var indices: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]"), let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                indices.insert(index, at: 0)
                name = name[..<open]
            }
            guard let next = current[String(name)] else { return ConfigNode(node: current, keyPath: "", file: file) }
            current = next
            for index in indices {
                guard case .sequence(let sequence) = current, index < sequence.count else { break }
                current = sequence[index]
            }
        }
        return ConfigNode(node: current, keyPath: "", file: file)
    }

    static func list(_ names: [String]) -> String {
        names.isEmpty ? "none configured" : names.joined(separator: ", ")
    }
}
