import ArgumentParser
import Foundation

/// The `spoor` command: subcommands translate flags into a configuration, call the library, and map
/// the result to an exit code (see ``ExitStatus``).
@main
struct Spoor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spoor",
        abstract: "Forensic log scanner: finds indicators of compromise in compressed Linux log archives.",
        discussion: """
        Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 error or incomplete scan.
        """,
        version: "0.1.0",
        subcommands: [ScanCommand.self, MergeCommand.self, RenderCommand.self, TestCommand.self, LintCommand.self, ExplainCommand.self, RulesCommand.self, LogSourcesCommand.self, ReadThroughCommand.self],
        defaultSubcommand: nil)
}

/// Exit codes, mapped in one place.
enum ExitStatus {
    /// No finding at or above the threshold, scan complete.
    static let clean: Int32 = 0
    /// Findings at or above the threshold.
    static let findings: Int32 = 1
    /// An error, or an incomplete scan (damaged evidence, engine errors, bad rules).
    static let errorOrIncomplete: Int32 = 2
}

/// Writes a line to standard error (Glibc's `stderr` is not concurrency-safe in Swift 6).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Writes a rendered report to `path` (atomically: a reader never sees half a file), or to standard
/// output when there is none; a file that cannot be written is an error naming it (exit 2).
/// Returns true when it wrote a file.
@discardableResult
func writeOutput(_ rendered: Data, to path: String?) throws -> Bool {
    guard let path else {
        FileHandle.standardOutput.write(rendered)
        return false
    }
    do {
        try rendered.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        printError("spoor: cannot write \(path): \(error.localizedDescription)")
        throw ExitCode(ExitStatus.errorOrIncomplete)
    }
    return true
}

/// With `SPOOR_TIMINGS=1` in the environment, `spoor scan` and `spoor merge` say on standard error how
/// long each phase took (wall clock) and the peak resident memory so far, for the benchmarks in Documentation/Performance.md and ScaleOut.md.
struct PhaseClock {
    private let isOn = ProcessInfo.processInfo.environment["SPOOR_TIMINGS"] == "1"
    private var last = DispatchTime.now()
    private var lastCPU = Self.processorSeconds()

    mutating func lap(_ phase: String) {
        guard isOn else { return }
        let now = DispatchTime.now()
        let cpu = Self.processorSeconds()
        let seconds = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9
        printError("spoor: timing: " + phase.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%8.3f s  CPU %7.3f s", seconds, cpu - lastCPU)
                   + (Self.peakResidentMiB().map { String(format: "   peak RSS so far %6.1f MiB", $0) } ?? ""))
        last = now
        lastCPU = cpu
    }

    /// User and system time of all the process's threads so far.
    static func processorSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The process's peak resident set so far (Linux `VmHWM`), nil where /proc does not say.
    static func peakResidentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return nil }
        return kilobytes / 1024
    }
}

/// What a command keeps until the process exits, rather than free piece by piece just before it does
/// (hundreds of thousands of records and strings: tenths of a CPU-second the system spares by taking
/// the memory back whole). Only the executable does this; the library frees what it holds.
final class KeptUntilExit {
    let value: Any

    private init(_ value: Any) { self.value = value }

    static func keep(_ value: Any) {
        _ = Unmanaged.passRetained(KeptUntilExit(value))
    }
}
