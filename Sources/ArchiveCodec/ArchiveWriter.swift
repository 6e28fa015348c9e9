import CArchive

/// Writes an archive file through libarchive: for tests and fixtures (archives of a given format,
/// compression, member names and times, symbolic links), never for evidence.
///
/// Contract: members are written in the order added; ``close()`` finishes the file (also done by
/// `deinit`); errors carry libarchive's message.
public final class ArchiveWriter {
    public enum Format: Sendable {
        case tar, zip, sevenZip, cpio
        /// No container: one file's bytes through the filter (a lone `.xz`, `.bz2`, `.zst`); add one file only.
        case raw
    }

    public enum Filter: Sendable {
        case none, gzip, bzip2, xz, zstd
    }

    private let handle: OpaquePointer
    private var isClosed = false

    /// Creates (or replaces) the archive at `path`.
    /// With a `password`, zip members are encrypted (traditional PKWARE encryption).
    public init(path: String, format: Format, filter: Filter = .none, password: String? = nil) throws(ArchiveError) {
        guard let handle = archive_write_new() else { throw .failed("libarchive: out of memory") }
        self.handle = handle
        switch format {
        case .tar: archive_write_set_format_pax_restricted(handle)
        case .zip: archive_write_set_format_zip(handle)
        case .sevenZip: archive_write_set_format_7zip(handle)
        case .cpio: archive_write_set_format_cpio_newc(handle)
        case .raw: archive_write_set_format_raw(handle)
        }
        switch filter {
        case .none: break
        case .gzip: archive_write_add_filter_gzip(handle)
        case .bzip2: archive_write_add_filter_bzip2(handle)
        case .xz: archive_write_add_filter_xz(handle)
        case .zstd: archive_write_add_filter_zstd(handle)
        }
        if let password {
            guard archive_write_set_options(handle, "zip:encryption=zipcrypt") == ARCHIVE_OK,
                  archive_write_set_passphrase(handle, password) == ARCHIVE_OK else { throw failure() }
        }
        guard archive_write_open_filename(handle, path) == ARCHIVE_OK else { throw failure() }
    }

    deinit {
        if !isClosed { archive_write_close(handle) }
        archive_write_free(handle)
    }

    /// Adds a regular file holding `bytes`.
    public func addFile(name: String, bytes: [UInt8], modificationTime: Int64 = 0) throws(ArchiveError) {
        try add(name: name, type: spoor_archive_type_regular(), size: Int64(bytes.count), modificationTime: modificationTime, linkTarget: nil)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                archive_write_data(handle, raw.baseAddress! + written, raw.count - written)
            }
            guard count > 0 else { throw failure() }
            written += count
        }
    }

    /// Adds a symbolic link to `target`.
    public func addSymbolicLink(name: String, target: String, modificationTime: Int64 = 0) throws(ArchiveError) {
        try add(name: name, type: spoor_archive_type_symlink(), size: 0, modificationTime: modificationTime, linkTarget: target)
    }

    /// Adds a directory.
    public func addDirectory(name: String, modificationTime: Int64 = 0) throws(ArchiveError) {
        try add(name: name, type: spoor_archive_type_directory(), size: 0, modificationTime: modificationTime, linkTarget: nil)
    }

    /// Finishes the archive.
    public func close() throws(ArchiveError) {
        guard !isClosed else { return }
        isClosed = true
        guard archive_write_close(handle) == ARCHIVE_OK else { throw failure() }
    }

    private func add(name: String, type: UInt32, size: Int64, modificationTime: Int64, linkTarget: String?) throws(ArchiveError) {
        guard let entry = archive_entry_new() else { throw .failed("libarchive: out of memory") }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, name)
        archive_entry_set_filetype(entry, type)
        archive_entry_set_perm(entry, type == spoor_archive_type_directory() ? 0o755 : 0o644)
        archive_entry_set_size(entry, size)
        archive_entry_set_mtime(entry, time_t(modificationTime), 0)
        if let linkTarget { archive_entry_set_symlink(entry, linkTarget) }
        guard archive_write_header(handle, entry) == ARCHIVE_OK else { throw failure() }
    }

    private func failure() -> ArchiveError {
        .failed(archive_error_string(handle).map { String(cString: $0) } ?? "libarchive write failed")
    }
}
