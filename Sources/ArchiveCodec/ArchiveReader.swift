import CArchive

/// Where an ``ArchiveReader`` gets its stored bytes: a file, or a member of another archive.
///
/// Contract: ``read(into:)`` fills the buffer with the next bytes and returns how many, 0 at the end;
/// it throws when the bytes cannot be had. ``seek(to:whence:)`` is only called when ``isSeekable``
/// (formats such as 7z need it; tar and zip read without it) and returns the new offset, or nil.
public protocol ArchiveByteSource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int
    var isSeekable: Bool { get }
    func seek(to offset: Int64, whence: Int32) -> Int64?
}

extension ArchiveByteSource {
    public var isSeekable: Bool { false }
    public func seek(to offset: Int64, whence: Int32) -> Int64? { nil }
}

/// One entry of an archive, as its header says.
public struct ArchiveMember: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case regularFile = "file"
        case directory
        case symbolicLink = "symlink"
        /// Devices, FIFOs, sockets, hard links without data: nothing to read.
        case other
    }

    /// The name stored in the archive. A label only: never used as a filesystem path.
    public var name: String
    public var kind: Kind
    /// The stored size of the member's data, when the header gives it.
    public var size: Int64?
    /// The stored modification time, seconds since 1970 UTC, when the header gives it.
    public var modificationTime: Int64?
    /// A symbolic link's target (a label too).
    public var linkTarget: String?
}

/// Why an archive could not be read, or not completely.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not an archive libarchive knows (plain text, a lone gzip file, …).
    case notAnArchive
    /// libarchive's own message: damage, an unsupported feature (an encrypted member), a source error.
    case failed(String)

    public var description: String {
        switch self {
        case .notAnArchive: return "not an archive"
        case .failed(let message): return message
        }
    }
}

/// The one libarchive wrapper: reads an archive from an ``ArchiveByteSource`` and hands out its members
/// and their bytes, streamed; nothing is ever written to disk.
///
/// Contract:
/// - Every filter (gzip, bzip2, xz, zstd, …) and every binary container format (tar, zip, 7z, cpio, ar,
///   ISO 9660, rar, xar, cab, lha) is enabled; the text formats `mtree` and `warc` and `raw` are not, so
///   no log text is ever taken for an archive. The format is found from the content, never from a name. Bytes that are no archive (plain text, a lone `.gz`
///   file, an empty file) throw ``ArchiveError/notAnArchive`` from `init`.
/// - ``nextMember()`` returns members in stored order, nil at the end; ``read(into:)`` returns the
///   current member's bytes (for a zip, decompressed by the zip format; for a tar, as stored), 0 at
///   its end. The member's bytes not read are skipped by the next ``nextMember()``.
/// - Damage throws ``ArchiveError/failed(_:)``; members returned before it stay valid.
///
/// ```swift
/// let reader = try ArchiveReader(source: source)
/// while let member = try reader.nextMember() where member.kind == .regularFile {
///     let count = try reader.read(into: buffer)
/// }
/// ```
public final class ArchiveReader {
    private let handle: OpaquePointer
    private let context: SourceContext
    private var firstMember: ArchiveMember?
    private var isAtEnd = false

    /// Opens `source` and reads the first header, to know it is an archive.
    /// `passwords` are tried, in order, on encrypted members (zip, 7z).
    public convenience init(source: any ArchiveByteSource, passwords: [String] = [], readSize: Int = 256 * 1024) throws(ArchiveError) {
        try self.init(source: source, readSize: readSize, isRawStream: false, passwords: passwords)
    }

    /// Opens `source` as one compressed stream (a lone `.bz2`, `.xz`, `.zst`, … file: no container):
    /// ``read(into:)`` then returns its decompressed bytes. Throws ``ArchiveError/notAnArchive`` when
    /// no compression filter recognises the bytes.
    public static func compressedStream(source: any ArchiveByteSource, readSize: Int = 256 * 1024) throws(ArchiveError) -> ArchiveReader {
        let reader = try ArchiveReader(source: source, readSize: readSize, isRawStream: true, passwords: [])
        guard !reader.filterNames.isEmpty else { throw .notAnArchive }
        return reader
    }

    private init(source: any ArchiveByteSource, readSize: Int, isRawStream: Bool, passwords: [String]) throws(ArchiveError) {
        guard let handle = archive_read_new() else { throw .failed("libarchive: out of memory") }
        self.handle = handle
        context = SourceContext(source: source, readSize: readSize)
        archive_read_support_filter_all(handle)
        if isRawStream {
            archive_read_support_format_raw(handle)
        } else {
            // Binary containers only. Not `mtree` and `warc`, which are text: log lines an attacker
            // wrote (a file of `AAAA…` lines is a valid mtree spec) would turn a log into an "archive"
            // of phantom entries and its lines would go unscanned.
            archive_read_support_format_tar(handle)
            archive_read_support_format_zip(handle)
            archive_read_support_format_7zip(handle)
            archive_read_support_format_cpio(handle)
            archive_read_support_format_ar(handle)
            archive_read_support_format_iso9660(handle)
            archive_read_support_format_rar(handle)
            archive_read_support_format_rar5(handle)
            archive_read_support_format_xar(handle)
            archive_read_support_format_cab(handle)
            archive_read_support_format_lha(handle)
        }
        for password in passwords { archive_read_add_passphrase(handle, password) }
        archive_read_set_callback_data(handle, Unmanaged.passUnretained(context).toOpaque())
        archive_read_set_read_callback(handle) { _, client, buffer in
            let context = Unmanaged<SourceContext>.fromOpaque(client!).takeUnretainedValue()
            buffer?.pointee = UnsafeRawPointer(context.buffer.baseAddress)
            do throws(ArchiveError) {
                return try context.source.read(into: context.buffer)
            } catch {
                context.error = error
                return -1
            }
        }
        if source.isSeekable {
            archive_read_set_seek_callback(handle) { _, client, offset, whence in
                let context = Unmanaged<SourceContext>.fromOpaque(client!).takeUnretainedValue()
                return context.source.seek(to: offset, whence: whence) ?? Int64(ARCHIVE_FATAL)
            }
        }
        guard archive_read_open1(handle) == ARCHIVE_OK else {
            throw isRawStream ? failure() : context.error ?? .notAnArchive
        }
        do throws(ArchiveError) {
            firstMember = try readHeader()
        } catch {
            // No format knows the bytes; but a lone compressed stream failing is damage, said as such.
            if context.error == nil && !isRawStream { throw .notAnArchive }
            throw error
        }
        let base = archive_format(handle) & ARCHIVE_FORMAT_BASE_MASK
        if base == ARCHIVE_FORMAT_EMPTY || (base == ARCHIVE_FORMAT_RAW && !isRawStream) { throw .notAnArchive }
    }

    deinit {
        archive_read_free(handle)
    }

    /// The container format, short (`tar`, `zip`, `7z`, `cpio`, …).
    public var formatName: String {
        switch archive_format(handle) & ARCHIVE_FORMAT_BASE_MASK {
        case ARCHIVE_FORMAT_TAR: return "tar"
        case ARCHIVE_FORMAT_ZIP: return "zip"
        case ARCHIVE_FORMAT_7ZIP: return "7z"
        case ARCHIVE_FORMAT_CPIO: return "cpio"
        case ARCHIVE_FORMAT_AR: return "ar"
        case ARCHIVE_FORMAT_ISO9660: return "iso9660"
        case ARCHIVE_FORMAT_RAR, ARCHIVE_FORMAT_RAR_V5: return "rar"
        case ARCHIVE_FORMAT_XAR: return "xar"
        case ARCHIVE_FORMAT_CAB: return "cab"
        case ARCHIVE_FORMAT_LHA: return "lha"
        default: return archive_format_name(handle).map { String(cString: $0) } ?? "unknown"
        }
    }

    /// The compression filters around the container, outermost first (`gzip`); empty when none.
    public var filterNames: [String] {
        let count = Int(archive_filter_count(handle))
        var names: [String] = []
        for index in stride(from: count - 1, through: 0, by: -1) {
            guard let name = archive_filter_name(handle, Int32(index)) else { continue }
            let text = String(cString: name)
            if text != "none" { names.append(text) }
        }
        return names
    }

    /// The next member's header, nil after the last.
    public func nextMember() throws(ArchiveError) -> ArchiveMember? {
        if let first = firstMember {
            firstMember = nil
            return first
        }
        return try readHeader()
    }

    /// The current member's next bytes; 0 at its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let count = archive_read_data(handle, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if Int32(count) == ARCHIVE_RETRY { continue }
            throw failure()
        }
    }

    private func readHeader() throws(ArchiveError) -> ArchiveMember? {
        if isAtEnd { return nil }
        var entry: OpaquePointer?
        var status = archive_read_next_header(handle, &entry)
        while status == ARCHIVE_RETRY { status = archive_read_next_header(handle, &entry) }
        if status == ARCHIVE_EOF {
            isAtEnd = true
            return nil
        }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { throw failure() }
        let name = archive_entry_pathname(entry).map { String(cString: $0) }
            ?? archive_entry_pathname_utf8(entry).map { String(cString: $0) } ?? "(unnamed)"
        let type = UInt32(archive_entry_filetype(entry)) & spoor_archive_type_mask()
        let kind: ArchiveMember.Kind
        switch type {
        case spoor_archive_type_regular(): kind = archive_entry_hardlink(entry) != nil && archive_entry_size(entry) == 0 ? .other : .regularFile
        case spoor_archive_type_directory(): kind = .directory
        case spoor_archive_type_symlink(): kind = .symbolicLink
        default: kind = .other
        }
        return ArchiveMember(
            name: name, kind: kind,
            size: archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil,
            modificationTime: archive_entry_mtime_is_set(entry) != 0 ? Int64(archive_entry_mtime(entry)) : nil,
            linkTarget: archive_entry_symlink(entry).map { String(cString: $0) })
    }

    /// The source's own error when it failed, else libarchive's message.
    private func failure() -> ArchiveError {
        if let error = context.error { return error }
        return .failed(archive_error_string(handle).map { String(cString: $0) } ?? "")
    }
}

/// What the C callbacks reach through their client pointer: the source and one read buffer.
private final class SourceContext {
    let source: any ArchiveByteSource
    let buffer: UnsafeMutableRawBufferPointer
    var error: ArchiveError?

    init(source: any ArchiveByteSource, readSize: Int) {
        self.source = source
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(readSize, 4096), alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }
}
