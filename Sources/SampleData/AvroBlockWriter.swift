import CZlib
import LearningEvents

/// Encodes Avro object container files: header, then blocks compressed with `null`, `deflate` or `snappy`
/// (with the big-endian CRC32 of the uncompressed data), each followed by the sync marker.
final class AvroBlockWriter {
    static let rowsPerBlock = 8192
    let codec: EventWriter.AvroCodec
    let schema: String
    private(set) var sync: [UInt8]
    private var block: [UInt8] = []
    private(set) var pending = 0

    init(schema: String, codec: EventWriter.AvroCodec, seed: UInt64) {
        self.schema = schema
        self.codec = codec
        var rng = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D)
        sync = (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        block.reserveCapacity(1 << 20)
    }

    static func long(_ v: Int64, to b: inout [UInt8]) {
        var z = UInt64(bitPattern: (v << 1) ^ (v >> 63))
        while z >= 0x80 {
            b.append(UInt8(truncatingIfNeeded: z) | 0x80)
            z >>= 7
        }
        b.append(UInt8(z))
    }

    static func string(_ s: String, to b: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            long(Int64(u.count), to: &b)
            b.append(contentsOf: u)
        }
    }

    static func bytes(_ u: [UInt8], to b: inout [UInt8]) {
        long(Int64(u.count), to: &b)
        b.append(contentsOf: u)
    }

    func header() -> [UInt8] {
        var h: [UInt8] = [0x4F, 0x62, 0x6A, 0x01]
        Self.long(2, to: &h)
        Self.string("avro.schema", to: &h)
        Self.bytes(Array(schema.utf8), to: &h)
        Self.string("avro.codec", to: &h)
        Self.bytes(Array(codec.rawValue.utf8), to: &h)
        Self.long(0, to: &h)
        h += sync
        return h
    }

    func append(_ e: EventRow) {
        Self.string(e.eventID, to: &block)
        Self.string(e.tenantID, to: &block)
        if let org = e.orgID { block.append(2); Self.string(org, to: &block) } else { block.append(0) }
        Self.string(e.learnerID, to: &block)
        Self.string(e.courseID, to: &block)
        if let l = e.lessonID { block.append(2); Self.string(l, to: &block) } else { block.append(0) }
        Self.string(e.type.name, to: &block)
        Self.long(e.occurredAt, to: &block)
        if let d = e.durationSeconds { block.append(2); Self.long(d, to: &block) } else { block.append(0) }
        if let s = e.score {
            block.append(2)
            withUnsafeBytes(of: s.bitPattern.littleEndian) { block.append(contentsOf: $0) }
        } else {
            block.append(0)
        }
        pending += 1
    }

    /// Appends raw record bytes (already Avro-encoded) — for the courses writer.
    func appendEncoded(_ bytes: [UInt8]) {
        block += bytes
        pending += 1
    }

    /// The encoded block (count, size, data, sync); starts a new one.
    func flushBlock() throws -> [UInt8] {
        let data: [UInt8]
        switch codec {
        case .null: data = block
        case .deflate: data = try Self.deflateRaw(block)
        case .snappy:
            var out = [UInt8](repeating: 0, count: snappy_max_compressed_length(block.count) + 4)
            var outLen = out.count - 4
            let st = block.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    snappy_compress(
                        src.baseAddress!.assumingMemoryBound(to: CChar.self), src.count,
                        dst.baseAddress!.assumingMemoryBound(to: CChar.self), &outLen)
                }
            }
            guard st == SNAPPY_OK else { throw OutputFile.Failure(message: "snappy compression failed") }
            let crc = block.withUnsafeBytes { UInt32(truncatingIfNeeded: crc32(0, $0.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt($0.count))) }
            out.removeLast(out.count - outLen - 4)
            out[outLen] = UInt8(crc >> 24)
            out[outLen + 1] = UInt8((crc >> 16) & 0xff)
            out[outLen + 2] = UInt8((crc >> 8) & 0xff)
            out[outLen + 3] = UInt8(crc & 0xff)
            data = out
        }
        var b: [UInt8] = []
        b.reserveCapacity(data.count + 32)
        Self.long(Int64(pending), to: &b)
        Self.long(Int64(data.count), to: &b)
        b += data
        b += sync
        block.removeAll(keepingCapacity: true)
        pending = 0
        return b
    }

    static func deflateRaw(_ input: [UInt8]) throws -> [UInt8] {
        var zs = z_stream()
        guard lodestar_deflateInit2(&zs, 6, -15) == Z_OK else { throw OutputFile.Failure(message: "zlib init failed") }
        defer { deflateEnd(&zs) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&zs, uLong(input.count))) + 16)
        let produced = try input.withUnsafeBytes { src -> Int in
            try out.withUnsafeMutableBytes { dst -> Int in
                zs.next_in = UnsafeMutablePointer(mutating: src.baseAddress?.assumingMemoryBound(to: Bytef.self))
                zs.avail_in = uInt(src.count)
                zs.next_out = dst.baseAddress!.assumingMemoryBound(to: Bytef.self)
                zs.avail_out = uInt(dst.count)
                guard deflate(&zs, Z_FINISH) == Z_STREAM_END else { throw OutputFile.Failure(message: "deflate failed") }
                return dst.count - Int(zs.avail_out)
            }
        }
        out.removeLast(out.count - produced)
        return out
    }
}
