/// Builds Avro object container bytes by hand, so tests can write exactly the hostile headers and blocks a real
/// writer never would (counts and sizes that lie, schemas that nest).
struct AvroBytes {
    static let magic: [UInt8] = [0x4F, 0x62, 0x6A, 0x01]
    static let sync: [UInt8] = Array(0..<16)

    /// A zig-zag varint `long`.
    static func long(_ v: Int64) -> [UInt8] {
        var z = UInt64(bitPattern: (v << 1) ^ (v >> 63))
        var out: [UInt8] = []
        while z >= 0x80 {
            out.append(UInt8(z & 0x7f) | 0x80)
            z >>= 7
        }
        out.append(UInt8(z))
        return out
    }

    static func string(_ s: String) -> [UInt8] { long(Int64(s.utf8.count)) + Array(s.utf8) }

    /// `Obj\x01`, the metadata map (schema and codec) and the sync marker.
    static func header(schema: String, codec: String = "null") -> [UInt8] {
        magic + long(2) + string("avro.schema") + string(schema) + string("avro.codec") + string(codec) + long(0) + sync
    }

    /// One block: record count, byte size, data, sync marker.
    static func block(count: Int64, data: [UInt8], size: Int64? = nil) -> [UInt8] {
        long(count) + long(size ?? Int64(data.count)) + data + sync
    }

    /// The BigQuery-like events schema with `occurred_at` as `timestamp-micros` (nullable columns as unions).
    static let eventSchema = #"""
        {"type":"record","name":"Root","fields":[
        {"name":"event_id","type":"string"},{"name":"tenant_id","type":"string"},
        {"name":"learner_id","type":"string"},{"name":"course_id","type":"string"},
        {"name":"event_type","type":"string"},
        {"name":"occurred_at","type":["null",{"type":"long","logicalType":"timestamp-micros"}]},
        {"name":"duration_seconds","type":["null","long"]}]}
        """#

    /// One record of ``eventSchema``.
    static func event(id: String, occurredAt: Int64?, duration: Int64? = nil) -> [UInt8] {
        var r = string(id) + string("t") + string("l") + string("c") + string("enrolled")
        r += occurredAt.map { long(1) + long($0) } ?? long(0)
        r += duration.map { long(1) + long($0) } ?? long(0)
        return r
    }

    /// The courses schema.
    static let courseSchema = #"""
        {"type":"record","name":"Course","fields":[
        {"name":"tenant_id","type":"string"},{"name":"course_id","type":"string"},{"name":"title","type":"string"},
        {"name":"org_ids","type":{"type":"array","items":"string"}},
        {"name":"lesson_count","type":"long"},{"name":"published","type":"boolean"}]}
        """#

    static func course(id: String) -> [UInt8] {
        string("t") + string(id) + string("Title") + long(0) + long(3) + [1]
    }

    /// The courses schema with the recommendation attributes as BigQuery would write them (`language` and the
    /// timestamps nullable, `expires_at` in milliseconds; `prerequisites` a nullable array, which BigQuery never
    /// writes but another tool might).
    static let attributedCourseSchema = #"""
        {"type":"record","name":"Course","fields":[
        {"name":"tenant_id","type":"string"},{"name":"course_id","type":"string"},{"name":"title","type":"string"},
        {"name":"org_ids","type":{"type":"array","items":"string"}},
        {"name":"lesson_count","type":"long"},{"name":"published","type":"boolean"},
        {"name":"language","type":["null","string"]},
        {"name":"categories","type":{"type":"array","items":"string"}},
        {"name":"published_at","type":["null",{"type":"long","logicalType":"timestamp-micros"}]},
        {"name":"expires_at","type":[{"type":"long","logicalType":"timestamp-millis"},"null"]},
        {"name":"prerequisites","type":["null",{"type":"array","items":"string"}]}]}
        """#

    /// One record of ``attributedCourseSchema`` (`expiresAtMillis` in milliseconds).
    static func course(
        id: String, language: String?, categories: [String], publishedAt: Int64?, expiresAtMillis: Int64?,
        prerequisites: [String]?
    ) -> [UInt8] {
        func strings(_ items: [String]) -> [UInt8] {
            (items.isEmpty ? [] : long(Int64(items.count)) + items.flatMap(string)) + long(0)
        }
        var r = course(id: id)
        r += language.map { long(1) + string($0) } ?? long(0)
        r += strings(categories)
        r += publishedAt.map { long(1) + long($0) } ?? long(0)
        r += expiresAtMillis.map { long(0) + long($0) } ?? long(1)
        r += prerequisites.map { long(1) + strings($0) } ?? long(0)
        return r
    }
}
