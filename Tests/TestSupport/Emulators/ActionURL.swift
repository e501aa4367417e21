import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Action URLs as Snom and Grandstream phones fire them: a configured template with `$variables` filled in,
/// fetched with a plain GET whose answer the phone ignores.
public enum ActionURL {
    /// `template` with each variable replaced by its query-encoded value, in the order given.
    public static func fill(_ template: String, _ values: [(variable: String, value: String)]) -> String {
        var url = template
        for (variable, value) in values {
            let encoded = value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
            url = url.replacingOccurrences(of: variable, with: encoded)
        }
        return url
    }

    /// GETs `url`, ignoring the answer and any failure, as the phones do.
    public static func call(_ url: String) async {
        guard let target = URL(string: url) else { return }
        _ = try? await URLSession.shared.data(from: target)
    }

    /// What a value may keep unencoded: `&`, `=`, `+`, `#` and `?` would change the URL's meaning.
    private static let allowed: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        return allowed
    }()
}
