/// The on-disk layouts of glibc's login records (x86-64 and other 64-bit Linux ABIs with a 32-bit
/// `ut_tv`), and the plausibility tests that tell them from other bytes.
///
/// `struct utmp` (`wtmp`, `btmp`, `utmp`), 384 bytes, little-endian:
/// `ut_type` int16 (+2 padding) @0, `ut_pid` int32 @4, `ut_line[32]` @8, `ut_id[4]` @40,
/// `ut_user[32]` @44, `ut_host[256]` @76, `ut_exit` (2 × int16) @332, `ut_session` int32 @336,
/// `ut_tv` (int32 seconds, int32 microseconds) @340, `ut_addr_v6[4]` int32 @348, 20 unused bytes @364.
///
/// `struct lastlog`, 292 bytes, one per UID (record `n` is UID `n`; never-used UIDs are all zeros, and
/// usually holes of a sparse file): `ll_time` int32 @0, `ll_line[32]` @4, `ll_host[256]` @36.
enum LoginRecordLayout {
    static let utmpSize = 384
    static let lastlogSize = 292

    /// One `struct utmp`, its strings as stored (up to the first NUL).
    struct Utmp {
        var type: Int16
        var pid: Int32
        var line: ArraySlice<UInt8>
        var id: ArraySlice<UInt8>
        var user: ArraySlice<UInt8>
        var host: ArraySlice<UInt8>
        var session: Int32
        var seconds: Int32
        var microseconds: Int32
        /// `ut_addr_v6` as stored (network byte order): IPv4 in the first 4 bytes, or IPv6.
        var address: ArraySlice<UInt8>
    }

    /// One `struct lastlog`.
    struct Lastlog {
        var seconds: Int32
        var line: ArraySlice<UInt8>
        var host: ArraySlice<UInt8>
    }

    /// `ut_type` names (glibc `<utmp.h>`).
    static let typeNames = ["EMPTY", "RUN_LVL", "BOOT_TIME", "NEW_TIME", "OLD_TIME", "INIT_PROCESS",
                            "LOGIN_PROCESS", "USER_PROCESS", "DEAD_PROCESS", "ACCOUNTING"]

    static func utmp(_ bytes: [UInt8], at start: Int) -> Utmp {
        Utmp(type: Int16(truncatingIfNeeded: uint16(bytes, start)),
             pid: int32(bytes, start + 4),
             line: string(bytes, start + 8, 32),
             id: string(bytes, start + 40, 4),
             user: string(bytes, start + 44, 32),
             host: string(bytes, start + 76, 256),
             session: int32(bytes, start + 336),
             seconds: int32(bytes, start + 340),
             microseconds: int32(bytes, start + 344),
             address: bytes[(start + 348)..<(start + 364)])
    }

    static func lastlog(_ bytes: [UInt8], at start: Int) -> Lastlog {
        Lastlog(seconds: int32(bytes, start), line: string(bytes, start + 4, 32), host: string(bytes, start + 36, 256))
    }

    /// True when the record at `start` is all zeros (an unused lastlog slot).
    static func isZero(_ bytes: [UInt8], at start: Int, count: Int) -> Bool {
        for index in start..<(start + count) where bytes[index] != 0 { return false }
        return true
    }

    // MARK: - Plausibility (detection)

    /// Earliest plausible login time: 1980-01-01T00:00:00Z (no Linux login record is older).
    static let earliestPlausibleTime: Int32 = 315_532_800

    /// A `struct utmp` as login programs write it: `ut_type` 0…9 (so its high byte is NUL, which no
    /// text has), a non-negative pid, a time of 0 or from 1980 on with microseconds below 10⁶, and
    /// `ut_line`, `ut_user`, `ut_host` NUL-padded (every byte after the first NUL is NUL: login
    /// programs zero the record before copying the strings in).
    static func isPlausibleUtmp(_ bytes: [UInt8], at start: Int) -> Bool {
        let type = uint16(bytes, start)
        guard type <= 9, int32(bytes, start + 4) >= 0 else { return false }
        let seconds = int32(bytes, start + 340)
        let microseconds = int32(bytes, start + 344)
        guard seconds == 0 || seconds >= earliestPlausibleTime, microseconds >= 0, microseconds < 1_000_000 else { return false }
        return isNulPadded(bytes, start + 8, 32) && isNulPadded(bytes, start + 44, 32) && isNulPadded(bytes, start + 76, 256)
    }

    /// A used `struct lastlog`: a time from 1980 on, and `ll_line` and `ll_host` NUL-terminated inside
    /// their fields and NUL-padded after (so text, which has no NUL, never qualifies).
    static func isPlausibleLastlog(_ bytes: [UInt8], at start: Int) -> Bool {
        guard int32(bytes, start) >= earliestPlausibleTime else { return false }
        return isNulTerminated(bytes, start + 4, 32) && isNulTerminated(bytes, start + 36, 256)
    }

    // MARK: - Bytes

    static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func int32(_ bytes: [UInt8], _ at: Int) -> Int32 {
        Int32(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
    }

    /// A fixed-size C string field: the bytes before the first NUL (all of them when there is none).
    static func string(_ bytes: [UInt8], _ at: Int, _ count: Int) -> ArraySlice<UInt8> {
        var end = at
        while end < at + count && bytes[end] != 0 { end += 1 }
        return bytes[at..<end]
    }

    /// No non-NUL byte after the first NUL (a field filled to its end with no NUL is padded too).
    static func isNulPadded(_ bytes: [UInt8], _ at: Int, _ count: Int) -> Bool {
        var index = at
        while index < at + count && bytes[index] != 0 { index += 1 }
        while index < at + count {
            if bytes[index] != 0 { return false }
            index += 1
        }
        return true
    }

    /// NUL-padded and holding at least one NUL.
    static func isNulTerminated(_ bytes: [UInt8], _ at: Int, _ count: Int) -> Bool {
        bytes[at..<(at + count)].contains(0) && isNulPadded(bytes, at, count)
    }
}
