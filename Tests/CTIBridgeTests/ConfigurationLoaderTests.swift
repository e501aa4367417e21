import Foundation
import PhoneDrivers
import Testing

@testable import CTIBridge

@Suite("Configuration")
struct ConfigurationLoaderTests {
    static let valid = """
        bridge:
          id: site-a
          http:
            listen: 127.0.0.1:8080
            publicUrl: http://10.0.0.5:8080
          apiKeys:
            - name: crm
              keyEnv: CTI_API_KEY_CRM
          state: ./var/ctibridge.sqlite
          defaultCountry: GB
        mqtt:
          url: mqtt://127.0.0.1:1883
          clientId: ctibridge-site-a
          username: bridge
          passwordEnv: MQTT_PW
          topicPrefix: cti
        queues:
          - id: sales
            name: Sales
            wrapSeconds: 30
            numbers: ["+442079460100"]
        presences:
          - { id: available, name: Available, availability: available }
          - { id: meeting, name: In a meeting, availability: unavailable }
        agents:
          - id: alice
            name: Alice Smith
            extension: "201"
            queues: [sales]
            phones: [alice-desk]
            mode: deskphone
        phones:
          - id: alice-desk
            driver: simulator
            eventToken: 3f7c0a9e5b2d4c1f8a6e
            allowFrom: [192.0.2.10, 10.0.0.0/8]
            maxRingSeconds: 120
        """

    static let environment = ["CTI_API_KEY_CRM": "0123456789abcdef-crm", "MQTT_PW": "s3cret"]

    func load(_ yaml: String, environment: [String: String] = Self.environment) throws(ConfigurationError)
        -> BridgeConfiguration
    {
        try ConfigurationLoader(environment: environment).load(yaml: yaml, file: "drivers.yaml", baseFolder: "/etc/cti")
    }

    @Test("the contract's example configuration is accepted with every key read")
    func acceptsContractExample() throws {
        let configuration = try load(Self.valid)
        #expect(configuration.bridge.id == "site-a")
        #expect(configuration.bridge.listenPort == 8080)
        #expect(configuration.bridge.publicURL == "http://10.0.0.5:8080")
        #expect(configuration.bridge.apiKeys.first?.key == "0123456789abcdef-crm")
        #expect(configuration.bridge.statePath == "/etc/cti/var/ctibridge.sqlite")
        #expect(configuration.bridge.defaultCountry == "GB")
        #expect(configuration.mqtt.password == "s3cret")
        #expect(configuration.queues.first?.wrapSeconds == 30)
        #expect(configuration.presences.count == 2)
        #expect(configuration.agents.first?.extensionNumber == "201")
        #expect(configuration.phones.first?.eventToken == "3f7c0a9e5b2d4c1f8a6e")
        #expect(configuration.phones.first?.allowFrom.count == 2)
        #expect(configuration.agent(owningPhone: "alice-desk")?.id == "alice")
    }

    @Test("bridge.reconcileSeconds: 5 unless set, from 0.5 to 3600")
    func reconcileSeconds() throws {
        #expect(try load(Self.valid).bridge.reconcileSeconds == 5)
        let set = Self.valid.replacingOccurrences(of: "defaultCountry: GB", with: "defaultCountry: GB\n  reconcileSeconds: 2.5")
        #expect(try load(set).bridge.reconcileSeconds == 2.5)
        let tooFast = Self.valid.replacingOccurrences(of: "defaultCountry: GB", with: "defaultCountry: GB\n  reconcileSeconds: 0.1")
        #expect(throws: ConfigurationError.self) { try load(tooFast) }
        do {
            _ = try load(tooFast)
        } catch {
            #expect("\(error)".contains("bridge.reconcileSeconds"), "\(error)")
        }
    }

    @Test("the repository's drivers.yaml is valid")
    func repositoryDefaultIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("drivers.yaml").path
        let configuration = try ConfigurationLoader(environment: [:]).load(path: path)
        #expect(configuration.phones.allSatisfy { $0.driver == "simulator" })
        #expect(!configuration.agents.isEmpty)
    }

    /// Each broken file must give exactly one located message: file, line and key path.
    @Test("broken configurations are refused with file, line and key path", arguments: brokenCases)
    func refusesBrokenConfiguration(_ broken: BrokenCase) {
        let (name, yaml, expected) = (broken.name, broken.yaml, broken.expected)
        do {
            _ = try load(yaml)
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(name): \(error.description)")
            #expect(!error.description.contains("\n"), "one line per error")
            #expect(!error.description.contains("s3cret"), "no secret in messages")
        }
    }

    @Test("a phone driver that needs a URL refuses an entry without one")
    func urlRequired() {
        var registry = PhoneDriverRegistry.standard
        registry.register(
            PhoneDriverDescriptor(
                name: "yealink", requiresURL: true, validate: { _ throws(DriverOptionError) in },
                make: { configuration, context in try SimulatorDriver(configuration: configuration, context: context) },
                provisioning: { _, _ in "" }))
        let yaml = "phones:\n  - id: p1\n    driver: yealink\n"
        do {
            _ = try ConfigurationLoader(registry: registry, environment: [:]).load(yaml: yaml, file: "x.yaml", baseFolder: "/")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "x.yaml:2: phones[0].url: missing: the yealink driver needs the phone's URL")
        }
    }

    @Test("an empty file gives a bridge with defaults")
    func emptyFile() throws {
        let configuration = try load("")
        #expect(configuration.mqtt.url == "mqtt://127.0.0.1:1883")
        #expect(configuration.mqtt.topicPrefix == "cti")
        #expect(configuration.presences == PresenceDefinitionDefaults.value)
    }

    @Test("CIDR ranges match the addresses inside them only")
    func addressRanges() throws {
        let range = try #require(AddressRange("10.1.0.0/16"))
        #expect(range.contains("10.1.200.3"))
        #expect(!range.contains("10.2.0.1"))
        #expect(range.contains("::ffff:10.1.2.3"))
        let single = try #require(AddressRange("::1"))
        #expect(single.contains("::1"))
        #expect(!single.contains("127.0.0.1"))
        #expect(AddressRange("10.0.0.0/33") == nil)
    }
}

import Presence

enum PresenceDefinitionDefaults {
    static let value = PresenceDefinition.defaults
}

struct BrokenCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let expected: String

    init(_ name: String, _ yaml: String, _ expected: String) {
        self.name = name
        self.yaml = yaml
        self.expected = expected
    }

    var testDescription: String { name }
}

private let valid = ConfigurationLoaderTests.valid
private let knownDrivers = PhoneDriverRegistry.standard.names.joined(separator: ", ")

let brokenCases: [BrokenCase] = [

    BrokenCase(
        "unknown driver", valid.replacingOccurrences(of: "driver: simulator", with: "driver: yelink"),
        "drivers.yaml:34: phones[0].driver: unknown driver \"yelink\" (known: \(knownDrivers))"
    ),
    BrokenCase(
        "missing phone id",
        valid.replacingOccurrences(of: "  - id: alice-desk\n    driver: simulator", with: "  - driver: simulator"),
        "drivers.yaml:33: phones[0].id: missing (required)"
    ),
    BrokenCase(
        "duplicate phone ids",
        valid + "\n  - id: alice-desk\n    driver: simulator\n",
        "drivers.yaml:38: phones[1].id: duplicate phone id \"alice-desk\""
    ),
    BrokenCase(
        "agent naming an unknown phone",
        valid.replacingOccurrences(of: "phones: [alice-desk]", with: "phones: [alice-dsk]"),
        "drivers.yaml:30: agents[0].phones[0]: unknown phone \"alice-dsk\" (known: alice-desk)"
    ),
    BrokenCase(
        "agent naming an unknown queue",
        valid.replacingOccurrences(of: "queues: [sales]", with: "queues: [sale]"),
        "drivers.yaml:29: agents[0].queues[0]: unknown queue \"sale\" (known: sales)"
    ),
    BrokenCase(
        "bad MQTT URL", valid.replacingOccurrences(of: "url: mqtt://127.0.0.1:1883", with: "url: http://x"),
        "drivers.yaml:12: mqtt.url: unsupported scheme \"http\" (mqtt or mqtts)"
    ),
    BrokenCase(
        "YAML syntax error", valid.replacingOccurrences(of: "  id: site-a", with: "  id: site-a\n   bad: [x"),
        "drivers.yaml:3:"
    ),
    BrokenCase(
        "wrong type", valid.replacingOccurrences(of: "wrapSeconds: 30", with: "wrapSeconds: thirty"),
        "drivers.yaml:20: queues[0].wrapSeconds: expected a whole number, found \"thirty\""
    ),
    BrokenCase(
        "missing secret environment variable",
        valid.replacingOccurrences(of: "passwordEnv: MQTT_PW", with: "passwordEnv: MQTT_PASSWORD"),
        "drivers.yaml:15: mqtt.passwordEnv: environment variable MQTT_PASSWORD is not set"
    ),
    BrokenCase(
        "bad listen address", valid.replacingOccurrences(of: "listen: 127.0.0.1:8080", with: "listen: 127.0.0.1"),
        "drivers.yaml:4: bridge.http.listen: expected host:port"
    ),
    BrokenCase(
        "unknown key", valid.replacingOccurrences(of: "wrapSeconds: 30", with: "wrapSecnds: 30"),
        "drivers.yaml:20: queues[0].wrapSecnds: unknown key"
    ),
    BrokenCase(
        "bad allowFrom", valid.replacingOccurrences(of: "192.0.2.10,", with: "192.0.2.300,"),
        "drivers.yaml:36: phones[0].allowFrom[0]: \"192.0.2.300\" is not an IP address or CIDR range"
    ),
    BrokenCase(
        "phone owned twice",
        valid.replacingOccurrences(
            of: "    mode: deskphone\n",
            with: "    mode: deskphone\n  - id: bob\n    phones: [alice-desk]\n"),
        "drivers.yaml:33: agents[1].phones[0]: phone \"alice-desk\" already belongs to agent \"alice\""
    ),
    BrokenCase(
        "bad presence availability",
        valid.replacingOccurrences(of: "availability: unavailable", with: "availability: gone"),
        "drivers.yaml:24: presences[1].availability: must be available or unavailable"
    ),
    BrokenCase(
        "bad driver option",
        valid + "\n    options:\n      ringTimeoutSeconds: -3\n",
        "drivers.yaml:39: phones[0].options.ringTimeoutSeconds: expected a number of seconds"
    ),
    BrokenCase(
        "short event token", valid.replacingOccurrences(of: "3f7c0a9e5b2d4c1f8a6e", with: "abc"),
        "drivers.yaml:35: phones[0].eventToken: an event token needs at least 16"
    ),
    BrokenCase(
        "topic-unsafe id", valid.replacingOccurrences(of: "- id: sales", with: "- id: sa/les"),
        "drivers.yaml:18: queues[0].id: \"sa/les\" is not a valid id"
    ),
        
]
