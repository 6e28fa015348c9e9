#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EvidenceInput

/// The few parts of the journal file format (https://systemd.io/JOURNAL_FILE_FORMAT) that Spoor reads
/// itself, beside libsystemd: the header's counts, the entry array chain (to give each entry the
/// byte offset of its entry object), and the recovery of a file cut short.
///
/// Everything here is bounds-checked and only *adds* information: libsystemd reads the entries; when
/// these structures do not parse, entries simply get no offset.
enum JournalFileLayout {
    static let signature: [UInt8] = Array("LPKSHHRH".utf8)
    /// `HEADER_INCOMPATIBLE_COMPACT`: entry and entry-array items are 32-bit offsets.
    static let compactFlag: UInt32 = 1 << 4
    static let entryObjectType: UInt8 = 3
    static let entryArrayObjectType: UInt8 = 6
    /// Object header: type, flags, 6 reserved bytes, le64 size.
    static let objectHeaderSize = 16
    /// Entry object fields before its items: seqnum, realtime, monotonic, boot id (16), xor hash.
    static let entryFixedSize = 64

    /// The header fields Spoor uses.
    struct Header {
        var incompatibleFlags: UInt32
        var headerSize: UInt64
        var arenaSize: UInt64
        var tailObjectOffset: UInt64
        var entryCount: UInt64
        var entryArrayOffset: UInt64

        var isCompact: Bool { incompatibleFlags & compactFlag != 0 }
        /// The file size the header promises.
        var expectedFileSize: UInt64 { headerSize &+ arenaSize }

        /// Reads the header, nil when the bytes are not one (no magic, or too short).
        init?(_ bytes: [UInt8]) {
            guard bytes.count >= 184, Array(bytes[0..<8]) == signature else { return nil }
            incompatibleFlags = UInt32(truncatingIfNeeded: readLE(bytes, 12, 4))
            headerSize = readLE(bytes, 88, 8)
            arenaSize = readLE(bytes, 96, 8)
            tailObjectOffset = readLE(bytes, 136, 8)
            entryCount = readLE(bytes, 152, 8)
            entryArrayOffset = readLE(bytes, 176, 8)
            guard headerSize >= 184, headerSize <= 4096 else { return nil }
        }
    }

    /// What an entry's cursor says about it (`s=…;i=<seqnum>;b=…;m=…;t=<realtime>;x=<xor hash>`).
    struct CursorIdentity: Equatable {
        var seqnum: UInt64
        var realtime: UInt64
        var xorHash: UInt64

        init?(cursor: String) {
            var values: [Character: UInt64] = [:]
            for part in cursor.split(separator: ";") {
                guard part.count > 2, let key = part.first, part.dropFirst().first == "=" else { continue }
                values[key] = UInt64(part.dropFirst(2), radix: 16)
            }
            guard let seqnum = values["i"], let realtime = values["t"], let xorHash = values["x"] else { return nil }
            self.seqnum = seqnum
            self.realtime = realtime
            self.xorHash = xorHash
        }
    }

    /// An entry object as stored: its identity and how many items (fields) it lists.
    struct EntryObject {
        var identity: (seqnum: UInt64, realtime: UInt64, xorHash: UInt64)
        var itemCount: Int
    }

    /// The offsets of the entry objects, in the order of the file's entry array chain (the order in
    /// which libsystemd iterates one file). Stops at the first structure that does not parse, at a
    /// chain that does not move forward, or after `header.entryCount` offsets.
    static func entryOffsets(_ file: ReadOnlyFile, header: Header) -> [Int64] {
        var offsets: [Int64] = []
        var arrayOffset = header.entryArrayOffset
        let itemSize = header.isCompact ? 4 : 8
        let limit = UInt64(file.size)
        while arrayOffset != 0, arrayOffset % 8 == 0, arrayOffset < limit, UInt64(offsets.count) < header.entryCount {
            guard let objectHeader = try? file.read(at: Int64(arrayOffset), count: objectHeaderSize + 8), objectHeader.count == objectHeaderSize + 8,
                  objectHeader[0] == entryArrayObjectType else { break }
            let size = readLE(objectHeader, 8, 8)
            guard size >= UInt64(objectHeaderSize + 8), size <= limit - arrayOffset else { break }
            let next = readLE(objectHeader, 16, 8)
            let itemCount = Int(size - UInt64(objectHeaderSize + 8)) / itemSize
            guard let items = try? file.read(at: Int64(arrayOffset) + Int64(objectHeaderSize + 8), count: itemCount * itemSize),
                  items.count == itemCount * itemSize else { break }
            for index in 0..<itemCount {
                let offset = readLE(items, index * itemSize, itemSize)
                if offset == 0 || UInt64(offsets.count) >= header.entryCount { break }
                offsets.append(Int64(offset))
            }
            guard next > arrayOffset else { break }
            arrayOffset = next
        }
        return offsets
    }

    /// The entry object at `offset`, nil when there is none there.
    static func entryObject(_ file: ReadOnlyFile, at offset: Int64, isCompact: Bool) -> EntryObject? {
        guard offset > 0, offset % 8 == 0, let bytes = try? file.read(at: offset, count: entryFixedSize), bytes.count == entryFixedSize,
              bytes[0] == entryObjectType else { return nil }
        let size = readLE(bytes, 8, 8)
        guard size >= UInt64(entryFixedSize), size <= UInt64(file.size) else { return nil }
        let itemSize: UInt64 = isCompact ? 4 : 16
        return EntryObject(identity: (readLE(bytes, 16, 8), readLE(bytes, 24, 8), readLE(bytes, 56, 8)),
                           itemCount: Int((size - UInt64(entryFixedSize)) / itemSize))
    }

    /// A copy of a journal file cut short that libsystemd can open: the bytes up to the end of the
    /// last whole object, with the header's `arena_size` and `tail_object_offset` (and the tail entry
    /// array hint of newer headers, when it points past the cut) set to match. Nil when not even the
    /// header's first objects are whole. Nothing else is changed, so offsets are those of the original.
    static func recoveryCopy(of bytes: [UInt8], header: Header) -> [UInt8]? {
        let cut = UInt64(bytes.count) / 8 * 8
        var offset = header.headerSize
        var lastObject: UInt64 = 0
        var end: UInt64 = 0
        while offset + UInt64(objectHeaderSize) <= cut {
            let type = bytes[Int(offset)]
            let size = readLE(bytes, Int(offset) + 8, 8)
            guard type >= 1, type <= 7, size >= UInt64(objectHeaderSize), size <= cut - offset else { break }
            lastObject = offset
            end = offset + size
            offset = (end + 7) / 8 * 8
        }
        guard lastObject != 0 else { return nil }
        let newEnd = (end + 7) / 8 * 8
        var copy = Array(bytes[0..<min(Int(newEnd), bytes.count)])
        copy.append(contentsOf: repeatElement(0, count: Int(newEnd) - copy.count))
        writeLE(&copy, 96, 8, newEnd - header.headerSize)
        writeLE(&copy, 136, 8, lastObject)
        // systemd ≥ 252: le32 tail_entry_array_offset @256 and its le32 entry count @260.
        if header.headerSize >= 264, readLE(copy, 256, 4) >= newEnd {
            writeLE(&copy, 256, 4, 0)
            writeLE(&copy, 260, 4, 0)
        }
        return copy
    }

    static func readLE(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in stride(from: count - 1, through: 0, by: -1) { value = value << 8 | UInt64(bytes[at + index]) }
        return value
    }

    static func writeLE(_ bytes: inout [UInt8], _ at: Int, _ count: Int, _ value: UInt64) {
        for index in 0..<count { bytes[at + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }
}
