import NIOCore

/// Runs Swift tasks on one NIO event loop's thread.
///
/// The HTTP server's connection tasks prefer it (SE-0417 task executor preference), so a phone's callback is
/// read, routed, handed to its phone session and answered on the thread that owns the connection. Without it
/// every request crossed from the event loop to the global pool and back, two thread wake-ups per request.
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
