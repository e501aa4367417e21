import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process for tests, spawned so that signals work on it and reaped so it never lingers as a zombie.
///
/// `Foundation.Process` children inherit the spawning thread's blocked signals on Linux (a test's Dispatch
/// thread blocks SIGTERM), so this spawns with an empty signal mask and default signal handlers instead.
public final class ChildProcess: Sendable {
    /// How a child ended.
    public enum Termination: Sendable, Equatable {
        /// It called `exit` with this code.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)

        /// The shell's convention: the exit code, or 128 + signal number.
        public var code: Int32 {
            switch self {
            case .exited(let code): return code
            case .signalled(let signal): return 128 + signal
            }
        }
    }

    /// Errors from spawning.
    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The child's process id.
    public let pid: pid_t
    /// The program that was run.
    public let executable: String
    private let termination = Mutex<Termination?>(nil)

    /// Spawns `executable` (a path, or a name looked up with `ChildProcess.find`) with `arguments`.
    ///
    /// Standard output and error go to `outputPath` (appended, created if needed) or to /dev/null;
    /// standard input is /dev/null. `environment` replaces the parent's when given.
    public init(
        _ executable: String,
        arguments: [String] = [],
        environment: [String: String]? = nil,
        outputPath: String? = nil
    ) throws(SpawnError) {
        guard let path = executable.contains("/") ? executable : ChildProcess.find(executable) else {
            throw SpawnError(description: "\(executable): not found in PATH or the sbin directories")
        }
        self.executable = path

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(
            &fileActions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        // Nothing else of the test process's: NIO's sockets are not close-on-exec, so a child would otherwise keep
        // an emulator's listening socket open (and accepting) after the emulator stopped.
        // (glibc ignores a descriptor closed meanwhile; `addclosefrom_np` is not visible to Swift.)
        for descriptor in Self.openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&fileActions, descriptor)
        }

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let environmentPairs = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp = environmentPairs.map { strdup($0) } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }

        var childPID: pid_t = 0
        let rc = posix_spawn(&childPID, path, &fileActions, &attributes, argv, envp)
        guard rc == 0 else {
            throw SpawnError(description: "posix_spawn \(path): \(String(cString: strerror(rc)))")
        }
        pid = childPID
        LiveChildren.add(childPID)
    }

    /// The test process's open file descriptors, from `/proc/self/fd`.
    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    deinit {
        if termination.withLock({ $0 == nil }) {
            _ = sendSignal(SIGKILL, to: pid)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        LiveChildren.remove(pid)
    }

    /// Finds an executable by name in PATH, then in /usr/local/sbin, /usr/sbin and /sbin.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/sbin", "/sbin"]
        for directory in directories {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Sends `signal` unless the child has already been reaped (so a reused pid is never hit).
    public func signal(_ signal: Int32) {
        termination.withLock { termination in
            if termination == nil { _ = sendSignal(signal, to: pid) }
        }
    }

    /// Sends SIGKILL.
    public func kill() {
        signal(SIGKILL)
    }

    /// How the child ended, if it has (reaping it if needed); never blocks.
    public var exitStatus: Termination? {
        termination.withLock { termination in
            if let termination { return termination }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            guard result == pid else { return nil }
            // The W* macros are not imported into Swift; this is their Linux definition.
            let signalNumber = status & 0x7f
            termination = signalNumber == 0 ? .exited((status >> 8) & 0xff) : .signalled(signalNumber)
            // Reaped: the pid may be reused from now on, so it must never be signalled again.
            LiveChildren.remove(pid)
            return termination
        }
    }

    /// Waits up to `timeout` for the child to end; returns its exit code (128 + signal if signalled), or nil.
    public func waitForExit(timeout: Duration) async -> Int32? {
        await waitForTermination(timeout: timeout)?.code
    }

    /// Waits up to `timeout` for the child to end; returns how it ended, or nil.
    public func waitForTermination(timeout: Duration) async -> Termination? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let status = exitStatus { return status }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Sends SIGKILL and reaps the child.
    public func killAndWait() async {
        kill()
        _ = await waitForTermination(timeout: .seconds(10))
    }
}

/// `kill(2)`, under a name that the `kill()` method cannot shadow.
private func sendSignal(_ signal: Int32, to pid: pid_t) -> Int32 {
    kill(pid, signal)
}

/// Every child a test started and has not reaped, killed when the test process exits.
///
/// Test clean-up that runs in a detached task may not get to run before the runner exits, and a broker or
/// bridge left behind would outlive the test run (and keep a CI job's session busy).
enum LiveChildren {
    private static let pids: Mutex<Set<pid_t>> = {
        atexit { LiveChildren.killAll() }
        return Mutex([])
    }()

    static func add(_ pid: pid_t) { pids.withLock { _ = $0.insert(pid) } }
    static func remove(_ pid: pid_t) { pids.withLock { _ = $0.remove(pid) } }

    static func killAll() {
        for pid in pids.withLock({ $0 }) {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}
