/// The version this build reports in `P/bridge/state` and `ctibridge --version`.
enum CTIBridgeVersion {
    static let current = "0.1.0"
}
