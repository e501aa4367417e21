/// Checks and matching for MQTT topic names and filters, done in Swift so errors surface before the network.
public enum MQTTTopic {
    /// Whether `topic` can be published to: non-empty, no wildcards, no NUL, at most 65535 UTF-8 bytes.
    public static func isValidName(_ topic: String) -> Bool {
        let bytes = topic.utf8
        return !bytes.isEmpty && bytes.count <= 65_535
            && !bytes.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") || $0 == 0 })
    }

    /// Whether `filter` is a valid subscription filter (`+` fills a whole level, `#` only as the last level).
    public static func isValidFilter(_ filter: String) -> Bool {
        let bytes = filter.utf8
        guard !bytes.isEmpty, bytes.count <= 65_535, !bytes.contains(0) else { return false }
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || index != levels.count - 1) { return false }
            if level.contains("+") && level != "+" { return false }
        }
        return true
    }

    /// Whether `topic` matches the subscription `filter` (`$`-topics are not matched by leading wildcards).
    public static func matches(_ topic: String, filter: String) -> Bool {
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let filterLevels = filter.split(separator: "/", omittingEmptySubsequences: false)
        if topic.hasPrefix("$") && (filter.hasPrefix("+") || filter.hasPrefix("#")) { return false }
        var index = 0
        while index < filterLevels.count {
            let level = filterLevels[index]
            if level == "#" { return true }
            guard index < topicLevels.count else { return false }
            if level != "+" && level != topicLevels[index] { return false }
            index += 1
        }
        return index == topicLevels.count
    }
}
