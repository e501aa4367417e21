import CCurl
import Foundation
import Synchronization

// The only file that calls libcurl. Invariants:
// - `multi` and every easy handle are touched only on the loop thread (`run()`), with one exception:
//   `curl_multi_wakeup`, which libcurl documents as callable from any thread. It is only called while
//   holding the `inbox` lock with the phase not `.stopped`; the loop thread frees the multi handle only
//   after setting `.stopped` under that lock, so a wakeup never reaches a freed handle.
// - Each easy handle carries an unretained pointer to its `HTTPTransfer` (PRIVATE, WRITEDATA, HEADERDATA).
//   The loop's `active` table holds the strong reference until after `curl_easy_cleanup`, so no callback
//   can see a freed transfer.
// - Callers are answered only through `HTTPTransfer.finish`, which resumes each continuation exactly once.

/// Runs every HTTP transfer of one client on a single `curl_multi` handle driven by one dedicated thread.
final class CurlMultiLoop: Sendable {
    private nonisolated(unsafe) let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private let stopped = DispatchGroup()

    init() {
        precondition(CurlGlobal.isInitialized, "curl_global_init failed")
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed (out of memory)") }
        self.multi = multi
    }

    deinit {
        // The loop thread frees the handle when it exits; only a loop that never ran leaves it to us.
        if inbox.withLock({ $0.phase != .stopped }) { curl_multi_cleanup(multi) }
    }

    /// Starts the loop thread; call once.
    func start(threadName: String) {
        stopped.enter()
        let thread = Thread { [self] in
            run()
            stopped.leave()
        }
        thread.name = threadName
        thread.start()
    }

    /// Queues `transfer`; it is answered with ``HTTPClientError/shutDown`` if the loop is stopping.
    func submit(_ transfer: HTTPTransfer) {
        let accepted = inbox.withLock { inbox in
            guard inbox.phase == .running else { return false }
            inbox.submissions.append(transfer)
            wakeUp(inbox)
            return true
        }
        if !accepted { transfer.finish(.failure(HTTPClientError.shutDown)) }
    }

    /// Asks the loop to drop `transfer`; the caller has already been answered with `CancellationError`.
    func cancel(_ transfer: HTTPTransfer) {
        inbox.withLock { inbox in
            guard inbox.phase == .running else { return }
            inbox.cancellations.append(transfer)
            wakeUp(inbox)
        }
    }

    /// Stops accepting work and tells the thread to fail what is in flight and exit.
    func requestStop() {
        inbox.withLock { inbox in
            guard inbox.phase == .running else { return }
            inbox.phase = .stopping
            wakeUp(inbox)
        }
    }

    /// Stops the loop and waits until every in-flight transfer has been failed and the thread has exited.
    func stopAndWait() {
        requestStop()
        stopped.wait()
    }

    /// Interrupts `curl_multi_poll`; takes the locked inbox to prove the caller holds the lock.
    private func wakeUp(_ inbox: borrowing Inbox) {
        guard inbox.phase != .stopped else { return }
        _ = curl_multi_wakeup(multi)
    }

    // MARK: Loop thread

    private func run() {
        var active: [ObjectIdentifier: ActiveTransfer] = [:]
        while true {
            let (submissions, cancellations, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.submissions.removeAll()
                    inbox.cancellations.removeAll()
                }
                return (inbox.submissions, inbox.cancellations, inbox.phase != .running)
            }
            for transfer in submissions where !transfer.isFinished {
                start(transfer, in: &active)
            }
            for transfer in cancellations {
                guard let entry = active.removeValue(forKey: ObjectIdentifier(transfer)) else { continue }
                release(entry)
                transfer.finish(.failure(CancellationError()))
            }
            if stopping { break }

            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            collectCompleted(from: &active)
            // Bounded by libcurl's own next timeout; `wakeUp()` interrupts it for new work.
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for entry in active.values {
            release(entry)
            entry.transfer.finish(.failure(HTTPClientError.shutDown))
        }
        let stragglers = inbox.withLock { inbox in
            inbox.phase = .stopped
            defer { inbox.submissions.removeAll() }
            return inbox.submissions
        }
        // Also closes the connections libcurl keeps cached for reuse.
        curl_multi_cleanup(multi)
        for transfer in stragglers { transfer.finish(.failure(HTTPClientError.shutDown)) }
    }

    private func start(_ transfer: HTTPTransfer, in active: inout [ObjectIdentifier: ActiveTransfer]) {
        guard let easy = curl_easy_init() else {
            transfer.finish(.failure(HTTPClientError.transport(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_easy_init failed")))
            return
        }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        var entry = ActiveTransfer(transfer: transfer, easy: easy, headerList: nil, errorBuffer: errorBuffer)
        let configured = configure(&entry)
        guard configured == CURLE_OK else {
            let error = Self.error(for: configured, entry: entry)
            release(entry, addedToMulti: false)
            transfer.finish(.failure(error))
            return
        }
        let added = curl_multi_add_handle(multi, easy)
        guard added == CURLM_OK else {
            let message = String(cString: curl_multi_strerror(added))
            release(entry, addedToMulti: false)
            transfer.finish(.failure(HTTPClientError.transport(code: Int(added.rawValue), message: message)))
            return
        }
        active[ObjectIdentifier(transfer)] = entry
    }

    /// Applies every option of the request; returns the first failure.
    private func configure(_ entry: inout ActiveTransfer) -> CURLcode {
        let easy = entry.easy
        let transfer = entry.transfer
        let request = transfer.request
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        var options = OptionResults()

        options.check(ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, entry.errorBuffer))
        options.check(ccurl_easy_setopt_string(easy, CURLOPT_URL, request.url))
        options.check(ccurl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context))
        // Signals from a resolver timeout would hit an arbitrary thread of the process.
        options.check(ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        // Phones speak http(s) only; file://, gopher:// and friends must never be reachable, not even by redirect.
        options.check(ccurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        options.check(ccurl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        options.check(ccurl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0))
        options.check(ccurl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, 5))
        // Phones sit on the LAN: an http_proxy in the daemon's environment must not reroute them.
        options.check(ccurl_easy_setopt_string(easy, CURLOPT_PROXY, ""))
        options.check(ccurl_easy_setopt_string(easy, CURLOPT_USERAGENT, "CTIBridge"))
        options.check(ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))
        options.check(ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout)))
        // Rejects an announced oversized body before it is read; the write callback catches the rest.
        options.check(ccurl_easy_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseBytes)))

        options.check(ccurl_easy_setopt_write_function(easy, CURLOPT_WRITEFUNCTION) { @Sendable data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<HTTPTransfer>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
        })
        options.check(ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        options.check(ccurl_easy_setopt_write_function(easy, CURLOPT_HEADERFUNCTION) { @Sendable data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<HTTPTransfer>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
        })
        options.check(ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))

        configureMethod(request, easy: easy, options: &options)
        configureAuthentication(request.authentication, easy: easy, options: &options)
        configureTLS(request.tls, easy: easy, options: &options)

        var list: UnsafeMutablePointer<curl_slist>?
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        if let contentType = request.contentType { lines.append("Content-Type: \(contentType)") }
        // Many phone web servers mishandle `Expect: 100-continue`; an empty value stops curl sending it.
        lines.append("Expect:")
        for line in lines {
            guard let extended = curl_slist_append(list, line) else {
                options.check(CURLE_OUT_OF_MEMORY)
                break
            }
            list = extended
        }
        entry.headerList = list
        options.check(ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list))
        return options.firstFailure
    }

    private func configureMethod(_ request: HTTPRequest, easy: UnsafeMutableRawPointer, options: inout OptionResults) {
        switch request.method {
        case .get:
            options.check(ccurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case .post:
            options.check(ccurl_easy_setopt_long(easy, CURLOPT_POST, 1))
        case .put, .delete:
            options.check(ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
        }
        guard request.method == .post || request.body != nil else { return }
        // COPYPOSTFIELDS makes libcurl own a copy, so nothing Swift-side must outlive the call.
        let body = request.body ?? []
        options.check(ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        body.withUnsafeBytes { bytes in
            if let start = bytes.baseAddress, !bytes.isEmpty {
                options.check(ccurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: start)))
            } else {
                options.check(ccurl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, ""))
            }
        }
    }

    private func configureAuthentication(
        _ authentication: HTTPAuthentication, easy: UnsafeMutableRawPointer, options: inout OptionResults
    ) {
        let (scheme, user, password): (Int, String, String)
        switch authentication {
        case .none: return
        case .basic(let name, let secret): (scheme, user, password) = (CCURL_AUTH_BASIC, name, secret)
        case .digest(let name, let secret): (scheme, user, password) = (CCURL_AUTH_DIGEST, name, secret)
        case .any(let name, let secret): (scheme, user, password) = (CCURL_AUTH_ANY, name, secret)
        }
        options.check(ccurl_easy_setopt_long(easy, CURLOPT_HTTPAUTH, scheme))
        options.check(ccurl_easy_setopt_string(easy, CURLOPT_USERNAME, user))
        options.check(ccurl_easy_setopt_string(easy, CURLOPT_PASSWORD, password))
    }

    private func configureTLS(_ tls: TLSOptions, easy: UnsafeMutableRawPointer, options: inout OptionResults) {
        if tls.insecure {
            options.check(ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0))
            options.check(ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0))
        } else {
            options.check(ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1))
            options.check(ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2))
            if let caFile = tls.caFile {
                options.check(ccurl_easy_setopt_string(easy, CURLOPT_CAINFO, caFile))
            }
        }
    }

    private func collectCompleted(from active: inout [ObjectIdentifier: ActiveTransfer]) {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = ccurl_message_result(message)
            var context: UnsafeMutableRawPointer?
            guard ccurl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &context) == CURLE_OK, let context else { continue }
            let key = ObjectIdentifier(Unmanaged<HTTPTransfer>.fromOpaque(context).takeUnretainedValue())
            guard let entry = active.removeValue(forKey: key) else { continue }

            let result: Result<HTTPResponse, any Error>
            if code == CURLE_OK {
                var status = 0
                _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
                result = .success(entry.transfer.response(status: status))
            } else {
                result = .failure(Self.error(for: code, entry: entry))
            }
            release(entry)
            entry.transfer.finish(result)
        }
    }

    /// Detaches and frees everything libcurl holds for one transfer.
    private func release(_ entry: ActiveTransfer, addedToMulti: Bool = true) {
        if addedToMulti { _ = curl_multi_remove_handle(multi, entry.easy) }
        curl_easy_cleanup(entry.easy)
        curl_slist_free_all(entry.headerList)
        entry.errorBuffer.deallocate()
    }

    /// Maps a libcurl failure to what a driver can act on, scrubbed of the request's secrets.
    private static func error(for code: CURLcode, entry: ActiveTransfer) -> HTTPClientError {
        let detail = String(cString: entry.errorBuffer)
        let raw = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let message = SecretRedaction.redact(raw, removing: entry.transfer.secrets)
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT:
            return .connectFailed(message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge(limit: entry.transfer.request.maxResponseBytes)
        case CURLE_WRITE_ERROR where entry.transfer.exceededLimit:
            return .responseTooLarge(limit: entry.transfer.request.maxResponseBytes)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CLIENTCERT:
            return .tls(message)
        default:
            return .transport(code: Int(code.rawValue), message: message)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow else { return Int.max }
        // libcurl reads 0 as "no timeout", so anything positive rounds up to at least 1 ms.
        return max(1, Int(total.partialValue) + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
    }
}

/// Runs `curl_global_init` exactly once per process, on first use (Swift's lazy `static let` is thread-safe).
private enum CurlGlobal {
    static let isInitialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

/// Loop-thread bookkeeping for one easy handle.
private struct ActiveTransfer {
    let transfer: HTTPTransfer
    let easy: UnsafeMutableRawPointer
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>
}

/// Work handed from callers to the loop thread.
private struct Inbox {
    var submissions: [HTTPTransfer] = []
    var cancellations: [HTTPTransfer] = []
    var phase = LoopPhase.running
}

/// The life cycle of the loop thread.
private enum LoopPhase {
    case running
    case stopping
    case stopped
}

/// Remembers the first failing `curl_easy_setopt`, so configuration reads as a flat list.
private struct OptionResults {
    private(set) var firstFailure = CURLE_OK

    mutating func check(_ code: CURLcode) {
        if firstFailure == CURLE_OK, code != CURLE_OK { firstFailure = code }
    }
}
