// Hummingbird re-exports swift-http-types' `HTTPRequest`/`HTTPResponse`. A file that imports both
// Hummingbird and PhoneDrivers can use these names instead of qualifying `PhoneDrivers.HTTPRequest`.

/// ``HTTPRequest`` under a name that does not collide with swift-http-types.
public typealias PhoneHTTPRequest = HTTPRequest

/// ``HTTPResponse`` under a name that does not collide with swift-http-types.
public typealias PhoneHTTPResponse = HTTPResponse
