#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSystemd

/// The one owner of a libsystemd `sd_journal *`: opens one journal file read-only, steps through its
/// entries and hands out their data. `deinit` closes the journal (and removes a temporary copy it was opened on).
///
/// Contract: results are libsystemd's, negative errno values as `Int32` (0 and positive as it documents);
/// pointers handed to `body` are valid only during the call. One instance is used by one thread.
final class JournalHandle {
    private let journal: OpaquePointer
    /// A file this handle removes once the journal is closed (a private temporary copy).
    private let temporaryPath: String?

    /// Opens the journal file at `path` (`sd_journal_open_files` on that one path). With
    /// `removingOnClose`, the file (a private temporary copy) is unlinked when the handle goes away, or
    /// at once when opening fails. (It cannot be unlinked earlier: libsystemd refuses a journal file
    /// with no links, `-EIDRM`.)
    init(path: String, removingOnClose: Bool = false) throws(JournalOpenError) {
        var opened: OpaquePointer?
        let status = path.withCString { cPath -> Int32 in
            var paths: [UnsafePointer<CChar>?] = [cPath, nil]
            return paths.withUnsafeMutableBufferPointer { sd_journal_open_files(&opened, $0.baseAddress, 0) }
        }
        guard status >= 0, let opened else {
            if removingOnClose { unlink(path) }
            throw JournalOpenError(code: status)
        }
        journal = opened
        temporaryPath = removingOnClose ? path : nil
    }

    deinit {
        sd_journal_close(journal)
        if let temporaryPath { unlink(temporaryPath) }
    }

    /// Largest field value handed out in full (`sd_journal_set_data_threshold`); 0 means no limit.
    func setDataThreshold(_ bytes: Int) -> Int32 {
        sd_journal_set_data_threshold(journal, bytes)
    }

    /// Moves to the next entry: 1 when there is one, 0 at the end, negative errno on failure.
    func next() -> Int32 {
        sd_journal_next(journal)
    }

    /// The current entry's wall-clock time, µs since the epoch.
    func realtimeMicroseconds() -> UInt64? {
        var value: UInt64 = 0
        return sd_journal_get_realtime_usec(journal, &value) >= 0 ? value : nil
    }

    /// The current entry's monotonic time (µs) and boot ID (32 lower-case hex digits).
    func monotonic() -> (microseconds: UInt64, bootID: String)? {
        var value: UInt64 = 0
        var boot = sd_id128_t()
        guard sd_journal_get_monotonic_usec(journal, &value, &boot) >= 0 else { return nil }
        let bytes = withUnsafeBytes(of: boot.bytes) { Array($0) }
        let hex = bytes.map { byte -> String in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
        return (value, hex)
    }

    /// The current entry's cursor.
    func cursor() -> String? {
        var text: UnsafeMutablePointer<CChar>?
        guard sd_journal_get_cursor(journal, &text) >= 0, let text else { return nil }
        defer { free(text) }
        return String(cString: text)
    }

    /// Calls `body` with each `FIELD=value` datum of the current entry, in libsystemd's order.
    /// Returns 0 at the end of the entry's data, or the negative errno that stopped it.
    func forEachDatum(_ body: (UnsafeRawBufferPointer) -> Void) -> Int32 {
        sd_journal_restart_data(journal)
        while true {
            var data: UnsafeRawPointer?
            var length = 0
            let status = sd_journal_enumerate_data(journal, &data, &length)
            if status <= 0 { return status }
            guard let data else { continue }
            body(UnsafeRawBufferPointer(start: data, count: length))
        }
    }
}

/// libsystemd refused to open a journal file: its negative errno value.
struct JournalOpenError: Error {
    var code: Int32

    /// `strerror` of the code, with the code.
    var reason: String { "\(String(cString: strerror(-code))) (\(code))" }
    /// libsystemd's answer to a file shorter than its header says (`-ENODATA`).
    var isTruncatedFile: Bool { code == -ENODATA }
}
