/// A generated `drivers.yaml`: `phones` phones of one kind, each the only phone of its own agent.
struct FleetConfiguration: Sendable {
    let phones: Int
    let brokerURL: String
    let httpPort: Int
    let stateDirectory: String
    var healthIntervalSeconds: Int = 60
    var kind: BenchPhones = .simulated

    static func phoneID(_ index: Int) -> String { "p\(index)" }
    static func agentID(_ index: Int) -> String { "a\(index)" }
    /// Fixed tokens, so the load generator needs no file from the bridge.
    static func token(_ index: Int) -> String { "bench-token-\(index)-0123456789" }

    var yaml: String {
        var text = """
            bridge:
              id: bench
              http:
                listen: 127.0.0.1:\(httpPort)
                publicUrl: http://127.0.0.1:\(httpPort)
              state: \(stateDirectory)/ctibridge.sqlite
              defaultCountry: GB
              phoneHealth:
                intervalSeconds: \(healthIntervalSeconds)
            mqtt:
              url: \(brokerURL)
              clientId: ctibridge-bench
              topicPrefix: cti
            queues:
              - { id: sales, name: Sales, numbers: ["+442079460100"] }
            agents:

            """
        text.reserveCapacity(phones * 200)
        for index in 0..<phones {
            text += "  - { id: \(Self.agentID(index)), name: Agent \(index), extension: \"\(10000 + index)\", "
            text += "queues: [sales], phones: [\(Self.phoneID(index))] }\n"
        }
        text += "phones:\n"
        for index in 0..<phones { text += "  - \(kind.entry(index: index))\n" }
        return text
    }
}
