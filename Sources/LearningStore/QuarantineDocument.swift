public import Foundation

/// `quarantine` (a platform collection: a refused row cannot always be trusted to name its tenant): one refused
/// row or failed file, with where it came from and why.
///
/// `fingerprint` (source, position and reason hashed) is unique, so rerunning the same files updates
/// `last_seen_at` and `run_id` instead of storing the rows again. `expires_at` drives a TTL index: rows go
/// away after the retention period (30 days by default).
public struct QuarantineDocument: Codable, Sendable, Equatable {
    /// The tenant the row named, when that was a valid tenant id (so a tenant's rows can be listed).
    public var tenant_id: String?
    public var source: String
    public var position: String
    public var raw: String
    public var reason: String
    public var field: String?
    public var run_id: String
    public var recorded_at: Date
    public var last_seen_at: Date
    public var expires_at: Date
    public var fingerprint: String

    public init(tenant_id: String?, source: String, position: String, raw: String, reason: String, field: String?,
                run_id: String, recorded_at: Date, retention: TimeInterval) {
        self.tenant_id = tenant_id
        self.source = source
        self.position = position
        self.raw = raw
        self.reason = reason
        self.field = field
        self.run_id = run_id
        self.recorded_at = recorded_at
        last_seen_at = recorded_at
        expires_at = recorded_at.addingTimeInterval(retention)
        fingerprint = Self.fingerprint(source: source, position: position, reason: reason, raw: raw)
    }

    /// FNV-1a 64 of the row's identity, as 16 hex digits.
    public static func fingerprint(source: String, position: String, reason: String, raw: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in [source, position, reason, raw] {
            for b in part.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = (h ^ 0xff) &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
