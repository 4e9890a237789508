#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The binary artifact format shared by all models (pure bytes in and out: callers do the file I/O).
///
/// Layout, all integers little-endian:
/// ```
/// 0   8 bytes  magic "LSMODEL\0"
/// 8   UInt32   schema version (``schemaVersion``)
/// 12  UInt32   model kind (``Kind``)
/// 16  UInt64   metadata length m, then m bytes of UTF-8 JSON (hyperparameters, shapes, id maps, metrics)
///     UInt64   payload length p (in Float32 values), then p little-endian Float32 values (factor matrices)
///     UInt64   FNV-1a 64-bit checksum of every preceding byte
/// ```
public enum ModelArtifact {
    /// The schema version this build writes and reads.
    public static let schemaVersion: UInt32 = 1
    static let magic: [UInt8] = Array("LSMODEL".utf8) + [0]

    /// Model kinds.
    public enum Kind: UInt32, Sendable {
        /// An ``ALSModel``.
        case als = 1
        /// A ``LogisticRegressionModel``.
        case logisticRegression = 2
        /// A ``RiskModel`` (discrete-time survival or heuristic).
        case risk = 3
    }

    /// Serialises metadata and payload into artifact bytes.
    static func encode<M: Encodable>(kind: Kind, metadata: M, payload: [Float]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(metadata)
        var out: [UInt8] = []
        out.reserveCapacity(40 + json.count + payload.count * 4)
        out += magic
        append(&out, schemaVersion)
        append(&out, kind.rawValue)
        append(&out, UInt64(json.count))
        out += json
        append(&out, UInt64(payload.count))
        for v in payload { append(&out, v.bitPattern) }
        append(&out, fnv1a(out[...]))
        return out
    }

    /// Checks magic, checksum, version and kind, then decodes the metadata and returns it with the payload.
    static func decode<M: Decodable>(_ bytes: [UInt8], kind: Kind, as _: M.Type) throws -> (M, [Float]) {
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw ArtifactError.notAnArtifact
        }
        guard bytes.count >= 16 + 8 + 8 + 8 else { throw ArtifactError.truncated }
        let body = bytes[0..<(bytes.count - 8)]
        guard read(UInt64.self, bytes, at: bytes.count - 8) == fnv1a(body) else {
            // A length field pointing past the end is reported as truncation, anything else as corruption.
            if let m = read(UInt64.self, bytes, at: 16), m > UInt64(bytes.count) { throw ArtifactError.truncated }
            throw ArtifactError.checksumMismatch
        }
        guard let version = read(UInt32.self, bytes, at: 8), let found = read(UInt32.self, bytes, at: 12) else {
            throw ArtifactError.truncated
        }
        guard version == schemaVersion else {
            throw ArtifactError.unsupportedVersion(found: version, supported: schemaVersion)
        }
        guard found == kind.rawValue else { throw ArtifactError.wrongKind(found: found, expected: kind.rawValue) }
        guard let m64 = read(UInt64.self, bytes, at: 16), m64 <= UInt64(body.count) else { throw ArtifactError.truncated }
        let m = Int(m64)
        let jsonStart = 24, payloadHeader = jsonStart + m
        guard let p64 = read(UInt64.self, bytes, at: payloadHeader),
              p64 <= UInt64(body.count) / 4,
              payloadHeader + 8 + Int(p64) * 4 == body.count
        else { throw ArtifactError.truncated }
        let metadata: M
        do {
            metadata = try JSONDecoder().decode(M.self, from: Data(bytes[jsonStart..<payloadHeader]))
        } catch {
            throw ArtifactError.corruptMetadata("\(error)")
        }
        var payload = [Float](repeating: 0, count: Int(p64))
        var at = payloadHeader + 8
        for i in payload.indices {
            payload[i] = Float(bitPattern: read(UInt32.self, bytes, at: at) ?? 0)
            at += 4
        }
        return (metadata, payload)
    }

    static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    static func read<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset + size <= bytes.count else { return nil }
        var v: T = 0
        for i in 0..<size { v |= T(bytes[offset + i]) << (8 * i) }
        return v
    }

    /// FNV-1a, 64 bit.
    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }
}
