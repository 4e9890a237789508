import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an Avro object container file block by block: the header (magic `Obj\u{1}`, metadata with `avro.schema`
/// and `avro.codec`, sync marker), then each block's count, size, data (decompressed: `null`, `deflate`, `snappy`
/// with its big-endian CRC32) and sync marker, which must match the header's.
final class AvroContainerReader {
    enum Codec: String {
        case null, deflate, snappy
    }

    /// One decompressed block; `data` is valid until the next call to ``nextBlock()``.
    struct Block {
        let index: Int
        let count: Int
        let data: UnsafePointer<UInt8>
        let size: Int
        /// Stream offset where the block starts.
        let offset: Int64
    }

    let reader: ByteReader
    let name: String
    /// Records of zero encoded bytes accepted per file (their count is not bounded by the block size).
    let maxZeroByteRecords: Int
    private var zeroByteRecords = 0
    private(set) var schema: AvroType = .null
    private(set) var codec: Codec = .null
    private var sync = [UInt8](repeating: 0, count: 16)
    private var blockIndex = 0
    private var out: UnsafeMutablePointer<UInt8>
    private var outCapacity: Int
    private let zstream: UnsafeMutablePointer<z_stream>
    /// The largest block accepted (compressed or not).
    static let maxBlock = 256 << 20

    init(source: any ByteSource, maxZeroByteRecords: Int = ReaderLimits().maxZeroByteRecords) {
        name = source.name
        self.maxZeroByteRecords = maxZeroByteRecords
        reader = ByteReader(source: source, limit: Self.maxBlock + 64)
        outCapacity = 64 << 10  // grows to the largest block seen
        out = .allocate(capacity: outCapacity)
        zstream = .allocate(capacity: 1)
        zstream.initialize(to: z_stream())
        _ = lodestar_inflateInit2(zstream, -15)
    }

    deinit {
        inflateEnd(zstream)
        zstream.deallocate()
        out.deallocate()
    }

    private func fail(_ offset: Int64, _ message: String) -> SourceFileError {
        SourceFileError(file: name, offset: offset, message: message)
    }

    /// Reads and checks the header.
    func readHeader() async throws {
        try await reader.fill(minimum: 4)
        guard reader.available >= 4 else { throw fail(0, "not an Avro file: shorter than the 4-byte magic") }
        let m = reader.current.assumingMemoryBound(to: UInt8.self)
        guard m[0] == 0x4F, m[1] == 0x62, m[2] == 0x6A, m[3] == 0x01 else {
            throw fail(0, "not an Avro object container file (magic is not 'Obj\\x01')")
        }
        while true {
            let p = reader.current.assumingMemoryBound(to: UInt8.self)
            var c = AvroCursor(p, reader.available)
            c.i = 4
            do {
                var meta: [String: [UInt8]] = [:]
                while true {
                    // Each entry takes at least two bytes (key and value lengths).
                    let (count, _) = try c.blockCount(itemSize: 2)
                    if count == 0 { break }
                    for _ in 0..<count {
                        let (kp, kn) = try c.lengthPrefixed()
                        let (vp, vn) = try c.lengthPrefixed()
                        meta[String(decoding: UnsafeBufferPointer(start: kp, count: kn), as: UTF8.self)] =
                            Array(UnsafeBufferPointer(start: vp, count: vn))
                    }
                }
                try c.skip(16)
                for k in 0..<16 { sync[k] = p[c.i - 16 + k] }
                guard let schemaJSON = meta["avro.schema"] else { throw fail(4, "Avro header has no avro.schema") }
                guard schemaJSON.count <= 1 << 20 else {
                    throw fail(4, "Avro schema is \(schemaJSON.count) bytes, over the 1 MiB limit")
                }
                do {
                    schema = try AvroType.parse(json: schemaJSON)
                } catch {
                    throw fail(4, "\(error)")
                }
                let codecName = meta["avro.codec"].map { String(decoding: $0, as: UTF8.self) } ?? "null"
                guard let codec = Codec(rawValue: codecName) else {
                    throw fail(4, "unsupported Avro codec '\(codecName)' (null, deflate and snappy are read)")
                }
                self.codec = codec
                reader.consume(c.i)
                return
            } catch let failure as AvroCursor.Failure {
                // The header may continue past the window: read more, unless the file ended.
                if reader.atEOF || reader.available > 16 << 20 {
                    throw fail(Int64(c.i), "truncated or corrupt Avro header: \(failure.message)")
                }
                try await reader.fill(minimum: reader.available + 1)
            }
        }
    }

    /// The next block, decompressed, or nil at a clean end of file.
    func nextBlock() async throws -> Block? {
        if reader.available < 32 && !reader.atEOF { try await reader.fill(minimum: 32) }
        if reader.available == 0 { return nil }
        let start = reader.offset
        var c = AvroCursor(reader.current.assumingMemoryBound(to: UInt8.self), reader.available)
        let count: Int64
        let size: Int64
        do {
            count = try c.long()
            size = try c.long()
        } catch {
            throw fail(start, "truncated block header after block \(blockIndex - 1): \(error)")
        }
        guard count >= 0 else { throw fail(start, "block \(blockIndex): bad record count \(count)") }
        guard size >= 0, size <= Int64(Self.maxBlock) else {
            throw fail(start, "block \(blockIndex): bad block length \(size)")
        }
        // Before any work: no block decompresses past maxBlock, so that bounds the count too.
        let minSize = recordMinSize
        if minSize > 0 {
            guard count <= Int64(Self.maxBlock / minSize) else { throw tooMany(start, count, minSize, "\(Self.maxBlock)") }
        } else {
            guard count <= Int64(maxZeroByteRecords - zeroByteRecords) else {
                throw fail(
                    start,
                    "block \(blockIndex): \(count) records of zero bytes (every column null-typed) exceed the "
                        + "\(maxZeroByteRecords) allowed per file")
            }
            zeroByteRecords += Int(count)
        }
        let total = c.i + Int(size) + 16
        if reader.available < total {
            try await reader.fill(minimum: total)
            guard reader.available >= total else {
                throw fail(
                    start,
                    "file is truncated: block \(blockIndex) needs \(total) bytes, only \(reader.available) remain")
            }
        }
        let p = reader.current.assumingMemoryBound(to: UInt8.self)
        let dataStart = p + c.i
        if memcmp(dataStart + Int(size), sync, 16) != 0 {
            throw fail(start + Int64(c.i) + size, "sync marker mismatch after block \(blockIndex) (corrupt file)")
        }
        let block: Block
        switch codec {
        case .null:
            block = Block(index: blockIndex, count: Int(count), data: UnsafePointer(dataStart), size: Int(size), offset: start)
        case .deflate:
            let n = try inflate(UnsafePointer(dataStart), Int(size), offset: start)
            block = Block(index: blockIndex, count: Int(count), data: UnsafePointer(out), size: n, offset: start)
        case .snappy:
            let n = try unsnappy(UnsafePointer(dataStart), Int(size), offset: start)
            block = Block(index: blockIndex, count: Int(count), data: UnsafePointer(out), size: n, offset: start)
        }
        if minSize > 0 && count > Int64(block.size / minSize) {
            throw tooMany(start, count, minSize, "\(block.size)")
        }
        // Consumed now; with the null codec the data stays valid until the next fill (next call).
        reader.consume(total)
        blockIndex += 1
        return block
    }

    /// The fewest bytes a record of the schema encodes to (0 when every column is null-typed).
    var recordMinSize: Int { schema.minSize }

    private func tooMany(_ offset: Int64, _ count: Int64, _ minSize: Int, _ bytes: String) -> SourceFileError {
        fail(offset, "block \(blockIndex): \(count) records of at least \(minSize) bytes cannot fit in \(bytes) bytes")
    }

    private func ensureOut(_ n: Int) {
        if n > outCapacity {
            out.deallocate()
            outCapacity = max(n, outCapacity * 2)
            out = .allocate(capacity: outCapacity)
        }
    }

    private func inflate(_ p: UnsafePointer<UInt8>, _ n: Int, offset: Int64) throws -> Int {
        inflateReset(zstream)
        zstream.pointee.next_in = UnsafeMutablePointer(mutating: p)
        zstream.pointee.avail_in = uInt(n)
        var produced = 0
        while true {
            if produced == outCapacity {
                guard outCapacity < Self.maxBlock else {
                    throw fail(offset, "block \(blockIndex): inflates past \(Self.maxBlock) bytes")
                }
                let newCapacity = min(outCapacity * 2, Self.maxBlock)
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
                bigger.update(from: out, count: produced)
                out.deallocate()
                out = bigger
                outCapacity = newCapacity
            }
            zstream.pointee.next_out = out + produced
            zstream.pointee.avail_out = uInt(outCapacity - produced)
            let status = CZlib.inflate(zstream, Z_FINISH)
            produced = outCapacity - Int(zstream.pointee.avail_out)
            if status == Z_STREAM_END { return produced }
            if status == Z_BUF_ERROR && zstream.pointee.avail_out == 0 { continue }
            if status == Z_OK && zstream.pointee.avail_out == 0 { continue }
            let detail = zstream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
            throw fail(offset, "block \(blockIndex): corrupt deflate data (\(detail))")
        }
    }

    private func unsnappy(_ p: UnsafePointer<UInt8>, _ n: Int, offset: Int64) throws -> Int {
        guard n >= 4 else { throw fail(offset, "block \(blockIndex): snappy block shorter than its CRC") }
        let body = UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)
        var length = 0
        // Snappy expands at most 64 bytes per 3-byte copy: a declared length beyond 22× the input is a lie, refused
        // before anything is allocated for it.
        guard snappy_uncompressed_length(body, n - 4, &length) == SNAPPY_OK, length <= Self.maxBlock,
            length <= (n - 4) * 22
        else {
            throw fail(offset, "block \(blockIndex): corrupt snappy data (declared length \(length) for \(n - 4) bytes)")
        }
        ensureOut(max(length, 1))
        var outLen = length
        let status = UnsafeMutableRawPointer(out).withMemoryRebound(to: CChar.self, capacity: outCapacity) {
            snappy_uncompress(body, n - 4, $0, &outLen)
        }
        guard status == SNAPPY_OK else { throw fail(offset, "block \(blockIndex): corrupt snappy data") }
        let expected = UInt32(p[n - 4]) << 24 | UInt32(p[n - 3]) << 16 | UInt32(p[n - 2]) << 8 | UInt32(p[n - 1])
        let actual = UInt32(truncatingIfNeeded: crc32(0, out, uInt(outLen)))
        guard expected == actual else {
            throw fail(offset, "block \(blockIndex): snappy CRC32 mismatch (corrupt block)")
        }
        return outLen
    }
}
