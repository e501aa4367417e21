#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Wakes the network thread from its `poll` when another thread has queued packets for it to write.
///
/// libmosquitto's own wake-up writes a byte per queued packet and costs the loop a `select` and a `read` per
/// byte; this one is a non-blocking pipe written at most once per wake: `signal` writes only when no wake-up is
/// already pending, and the network thread clears that mark before it writes what is queued, so a packet queued
/// after the mark is cleared always brings a new wake-up.
final class NetworkWakeup: Sendable {
    /// The end the network thread polls.
    let readEnd: Int32
    private let writeEnd: Int32
    private let pending = Atomic<Bool>(false)

    init() throws(MQTTError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw .library(operation: "pipe", code: errno, message: String(cString: strerror(errno)))
        }
        // Non-blocking: a full pipe already means "wake up"; close-on-exec: children must not hold it open.
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Asks the network thread to look at its queues; cheap when a wake-up is already on its way.
    func signal() {
        guard !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Called by the network thread after `poll`, before it writes: empties the pipe and clears the mark.
    func consume() {
        var buffer = (UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &buffer, { read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
        pending.store(false, ordering: .sequentiallyConsistent)
    }
}
