#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file being written with plain POSIX calls (created or truncated, mode 0644).
///
/// Parent folders are created on demand. Writes go straight to the descriptor; callers batch them.
final class OutputFile {
    let path: String
    private var descriptor: Int32

    init(path: String) throws(CorpusError) {
        self.path = path
        try Self.createParentFolders(of: path)
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: Self.lastErrorText()) }
    }

    deinit {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    /// Writes every byte of `bytes` (retrying short writes).
    func append(_ bytes: UnsafeRawBufferPointer) throws(CorpusError) {
        guard var cursor = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(descriptor, cursor, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: path, reason: Self.lastErrorText())
            }
            remaining -= written
            cursor += written
        }
    }

    /// Writes every byte of `bytes`.
    func append(_ bytes: [UInt8]) throws(CorpusError) {
        var failure: CorpusError?
        bytes.withUnsafeBytes { raw in
            do throws(CorpusError) { try append(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Closes the file; further writes are an error.
    func finish() throws(CorpusError) {
        guard descriptor >= 0 else { return }
        let status = close(descriptor)
        descriptor = -1
        if status != 0 { throw .cannotWrite(path: path, reason: Self.lastErrorText()) }
    }

    /// `mkdir -p` of the folder that holds `path` (absolute or relative).
    static func createParentFolders(of path: String) throws(CorpusError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var current = ""
        for (index, component) in components.enumerated() {
            current += index == 0 ? String(component) : "/" + component
            if component.isEmpty || component == "." || component == ".." { continue }
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw .cannotWrite(path: current, reason: lastErrorText())
            }
        }
    }

    private static func lastErrorText() -> String {
        String(cString: strerror(errno))
    }
}
