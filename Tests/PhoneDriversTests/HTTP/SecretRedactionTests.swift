@testable import PhoneDrivers
import Testing

@Suite("SecretRedaction")
struct SecretRedactionTests {
    @Test("The userinfo password is masked, the user name kept")
    func userinfoPassword() {
        #expect(SecretRedaction.redactedURL("http://admin:hunter2@10.0.0.5/servlet?key=OK")
            == "http://admin:***@10.0.0.5/servlet?key=OK")
        #expect(SecretRedaction.redactedURL("https://admin@10.0.0.5/") == "https://admin@10.0.0.5/")
    }

    @Test("Secret query values are masked; Yealink's key=OK command is kept")
    func secretQueryValues() {
        let url = "http://10.0.0.5/cgi?key=OK&passcode=1234&Password=x&pwd=y&pw=z&token=t&secret=s&auth=a&apikey=k&admin_pass=q&number=1001#top"
        #expect(SecretRedaction.redactedURL(url)
            == "http://10.0.0.5/cgi?key=OK&passcode=***&Password=***&pwd=***&pw=***&token=***&secret=***&auth=***&apikey=***&admin_pass=***&number=1001#top")
    }

    @Test("URLs without secrets come back unchanged", arguments: [
        "http://10.0.0.5/", "http://10.0.0.5:8080/a/b?x=1&y", "not a url at all", "", "http://[fe80::1]/?key=F1",
    ])
    func unchangedWithoutSecrets(url: String) {
        #expect(SecretRedaction.redactedURL(url) == url)
    }

    @Test("An @ in the path is not mistaken for userinfo")
    func atSignInPath() {
        #expect(SecretRedaction.redactedURL("http://10.0.0.5/users/a:b@c") == "http://10.0.0.5/users/a:b@c")
    }

    @Test("Secret values are extracted raw and percent-decoded")
    func secretValues() {
        let secrets = Set(SecretRedaction.secretValues(inURL: "http://u:p%40ss@h/?passcode=12%2034&key=OK"))
        #expect(secrets == ["p%40ss", "p@ss", "12%2034", "12 34"])
    }

    @Test("Messages are scrubbed of every secret, longest first")
    func redactMessage() {
        let message = "login admin/abc123 failed, retry with abc123x"
        #expect(SecretRedaction.redact(message, removing: ["abc123", "abc123x", ""])
            == "login admin/*** failed, retry with ***")
    }

    @Test("A request's description and its authentication hide the password")
    func requestDescription() {
        let request = HTTPRequest.get("http://admin:pw1@10.0.0.5/?passcode=99", authentication: .digest(user: "admin", password: "pw2"))
        #expect(request.description == "GET http://admin:***@10.0.0.5/?passcode=***")
        #expect("\(request.authentication)" == "digest(user: admin, password: ***)")
        #expect(Set(request.secrets) == ["pw1", "99", "pw2"])
    }
}
