import Foundation

/// What /proc says about a process: resident memory, CPU time consumed, open file descriptors and context
/// switches.
struct ProcessSample: Sendable {
    let residentBytes: Int
    let cpuSeconds: Double
    let openDescriptors: Int
    /// Voluntary and involuntary, summed over the threads alive now: a thread going to sleep and being woken
    /// is the cost that a virtual machine makes expensive (an inter-processor interrupt per cross-CPU wake-up).
    /// A thread that exits takes its count with it (see `threadIDs`).
    let contextSwitches: Int
    /// The threads alive now.
    let threadIDs: Set<String>

    init?(pid: Int32) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        else { return nil }
        let rssLine = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        residentBytes = (Int(rssLine.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
        let afterName = stat[stat.index(after: stat.lastIndex(of: ")") ?? stat.startIndex)...]
        let fields = afterName.split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let utime = Double(fields.count > 12 ? fields[11] : "0") ?? 0
        let stime = Double(fields.count > 12 ? fields[12] : "0") ?? 0
        cpuSeconds = (utime + stime) / ticks
        openDescriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        threadIDs = Set(threads)
        contextSwitches = threads.reduce(0) { total, thread in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/status", encoding: .utf8)) ?? ""
            return total + text.split(separator: "\n").reduce(0) { sum, line in
                guard line.hasPrefix("voluntary_ctxt_switches:") || line.hasPrefix("nonvoluntary_ctxt_switches:") else {
                    return sum
                }
                return sum + (Int(line.split(separator: "\t").last ?? "") ?? 0)
            }
        }
    }

    var residentMegabytes: Double { Double(residentBytes) / 1_048_576 }
}
