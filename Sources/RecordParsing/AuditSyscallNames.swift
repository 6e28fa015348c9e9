/// Syscall names for RAW auditd logs, where `SYSCALL` is not written out: derived from `arch` and
/// `syscall` (x86-64, `arch=c000003e`, the numbers of the kernel's `syscall_64.tbl`). Other
/// architectures give no name (the numeric `syscall` field still matches).
enum AuditSyscallNames {
    /// The name for a record with `arch=c000003e syscall=N`, nil otherwise.
    static func name(inRecord line: UnsafeBufferPointer<UInt8>) -> String? {
        guard let arch = KeyValueScanner.value(of: "arch", in: line, range: 0..<line.count),
              arch.count == 8, ByteSearch.hasPrefix(line, "c000003e", at: arch.lowerBound),
              let number = KeyValueScanner.value(of: "syscall", in: line, range: 0..<line.count), number.count <= 4 else { return nil }
        var value = 0
        for index in number {
            guard ByteSearch.isDigit(line[index]) else { return nil }
            value = value * 10 + Int(line[index] - 0x30)
        }
        return x86_64[value]
    }

    /// The security-relevant part of the x86-64 table.
    static let x86_64: [Int: String] = [
        0: "read", 1: "write", 2: "open", 3: "close", 4: "stat", 9: "mmap", 10: "mprotect", 21: "access", 22: "pipe",
        32: "dup", 33: "dup2", 41: "socket", 42: "connect", 43: "accept", 44: "sendto", 45: "recvfrom", 49: "bind",
        50: "listen", 56: "clone", 57: "fork", 58: "vfork", 59: "execve", 60: "exit", 62: "kill", 76: "truncate",
        77: "ftruncate", 80: "chdir", 82: "rename", 83: "mkdir", 84: "rmdir", 85: "creat", 86: "link", 87: "unlink",
        88: "symlink", 90: "chmod", 91: "fchmod", 92: "chown", 93: "fchown", 94: "lchown", 101: "ptrace", 105: "setuid",
        106: "setgid", 113: "setreuid", 114: "setregid", 117: "setresuid", 119: "setresgid", 126: "capset",
        133: "mknod", 135: "personality", 157: "prctl", 161: "chroot", 165: "mount", 166: "umount2", 167: "swapon",
        169: "reboot", 170: "sethostname", 175: "init_module", 176: "delete_module", 246: "kexec_load", 257: "openat",
        258: "mkdirat", 259: "mknodat", 260: "fchownat", 263: "unlinkat", 264: "renameat", 265: "linkat",
        266: "symlinkat", 268: "fchmodat", 272: "unshare", 288: "accept4", 304: "open_by_handle_at", 308: "setns",
        310: "process_vm_readv", 311: "process_vm_writev", 313: "finit_module", 316: "renameat2", 319: "memfd_create",
        320: "kexec_file_load", 321: "bpf", 322: "execveat", 434: "pidfd_open", 435: "clone3", 437: "openat2",
    ]
}
