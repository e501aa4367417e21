/// A query string split the way Snom and Grandstream phones split it: `&`-separated items, `name[=value]`,
/// names and values percent-decoded (a `+` stays a `+`).
public enum QueryItems {
    /// The items of `query` (the part after `?`), in order.
    public static func split(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (name, value)
        }
    }
}
