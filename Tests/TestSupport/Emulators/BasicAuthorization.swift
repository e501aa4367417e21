import Foundation

/// The `Authorization` header value a client sends for HTTP Basic (`Basic base64(user:password)`), which fake
/// phones compare against what they receive.
public func basicAuthorization(user: String, password: String) -> String {
    "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
}
