/// One request to baresip's httpd module: a menu command, typed as keys or as a `/long` command.
///
/// The request table (verified against baresip 1.0.0). Every command goes to `<url>/raw/?<input>` with the
/// input percent-encoded; `/raw/` answers the command's output as plain text. Key commands act on baresip's
/// *current* call, so the driver first selects a call by line (`@<n>`) or by id (`/callfind <id>`).
///
/// | request | input | answer |
/// | --- | --- | --- |
/// | dial | `d<uri>` | the dial editor's echo; a refused URI gets no answer at all |
/// | answer | `a` | `<aor>: Answering incoming call` |
/// | hangup | `b` | empty |
/// | hold / resume | `x` / `X` | empty |
/// | blind transfer | `t<uri>` | the editor's echo (SIP REFER) |
/// | list calls | `l` | `--- Active calls (n) ---` and one line per call |
/// | call status | `c` | `===== Call debug (STATE) =====`, ` af=AF_INET id=<call id>`, `direction:` |
/// | select line | `@<n>` | `setting current call: line <n>` |
/// | select call | `/callfind <id>` | `setting current call: <id>` or `call not found (id=<id>)` |
/// | accounts | `r` | `--- User Agents (n) ---` |
///
/// baresip sends no HTTP answer at all when a command fails (unknown command, a call command without a call,
/// a URI it cannot parse): the request times out. Call commands exist only while a call exists.
enum BaresipRequest: Sendable, Equatable {
    case dial(uri: String)
    case answer
    case hangup
    case hold
    case resume
    case transfer(uri: String)
    case listCalls
    case callStatus
    case selectLine(Int)
    case findCall(id: String)
    case registrationInfo

    /// What is typed into baresip's menu.
    var input: String {
        switch self {
        case .dial(let uri): "d" + uri
        case .answer: "a"
        case .hangup: "b"
        case .hold: "x"
        case .resume: "X"
        case .transfer(let uri): "t" + uri
        case .listCalls: "l"
        case .callStatus: "c"
        case .selectLine(let line): "@\(line)"
        case .findCall(let id): "/callfind " + id
        case .registrationInfo: "r"
        }
    }

    /// A short name for messages.
    var name: String {
        switch self {
        case .dial: "dial"
        case .answer: "accept"
        case .hangup: "hangup"
        case .hold: "hold"
        case .resume: "resume"
        case .transfer: "transfer"
        case .listCalls: "listcalls"
        case .callStatus: "callstat"
        case .selectLine: "line"
        case .findCall: "callfind"
        case .registrationInfo: "reginfo"
        }
    }

    /// The full URL below the phone's httpd base URL (`http://host:8000`).
    func url(base: String) -> String {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return trimmed + target
    }

    /// The path and query on baresip's httpd.
    var target: String { "/raw/?" + Self.percentEncoded(input) }

    /// Percent-encodes everything but RFC 3986 unreserved characters, so `#`, `+`, `&`, `@`, `:` and spaces
    /// reach baresip as data (an unescaped `@` is refused by baresip's httpd, `#` would end the URL).
    static func percentEncoded(_ text: String) -> String {
        PercentEncoding.encode(text)
    }
}
