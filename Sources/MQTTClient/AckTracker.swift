/// Matches libmosquitto's message ids to their acknowledgements.
///
/// The network thread can acknowledge a message before the publishing thread has recorded its id, so an
/// acknowledgement for an unknown id is remembered until the id is recorded.
struct AckTracker<Waiter> {
    private var pending: [Int32: Waiter] = [:]
    private var early: Set<Int32> = []

    var pendingCount: Int { pending.count }

    /// Records that `mid` was handed to libmosquitto; returns `false` if its acknowledgement already came.
    mutating func issued(_ mid: Int32, waiter: Waiter) -> Bool {
        if early.remove(mid) != nil { return false }
        pending[mid] = waiter
        return true
    }

    /// Records the acknowledgement of `mid`; returns its waiter if the id was known.
    mutating func acknowledged(_ mid: Int32) -> Waiter? {
        if let waiter = pending.removeValue(forKey: mid) { return waiter }
        early.insert(mid)
        return nil
    }

    /// Forgets the ids whose waiter matches `shouldForget` (they will never be acknowledged) and all early
    /// acknowledgements; returns the forgotten waiters.
    mutating func forget(where shouldForget: (Waiter) -> Bool) -> [Waiter] {
        let forgotten = pending.filter { shouldForget($0.value) }
        for mid in forgotten.keys { pending[mid] = nil }
        early.removeAll()
        return Array(forgotten.values)
    }

    /// Count of pending ids whose waiter matches `predicate`.
    func count(where predicate: (Waiter) -> Bool) -> Int {
        pending.values.reduce(0) { $0 + (predicate($1) ? 1 : 0) }
    }
}
