import Foundation
package import Pipeline

/// Upper bounds on numeric job parameters per role, from a job file's `limits:` over these defaults. A
/// `data_scientist` may ask for `factors` ≤ 128, `iterations` ≤ 50, `top_k` ≤ 100 and `search_budget` ≤ 30 (seconds
/// of recommender search per 100,000 interactions) unless the job file says otherwise; a `platform_admin` keeps the
/// job kind's full ranges (`JobParameter`). The limits apply to the parameters a caller sets at trigger or backfill
/// time (the job file's own `params` are the administrator's).
///
/// ```yaml
/// limits: {data_scientist: {factors: 256, sleep_seconds: 10}}   # iterations ≤ 50, top_k ≤ 100, search_budget ≤ 30 still hold
/// ```
public struct ParameterLimits: Sendable, Equatable {
    /// Role name → parameter name → largest value allowed.
    public var byRole: [String: [String: Double]]

    /// The role whose parameters are limited (the only role besides `platform_admin` that triggers runs).
    public static let limitedRole = "data_scientist"

    /// The defaults of `data_scientist`.
    public static let defaults = ParameterLimits(byRole: [limitedRole: ["factors": 128, "iterations": 50, "top_k": 100, "search_budget": 30]])

    /// Parameters that take numbers, and so may be limited.
    package static let numeric: Set<JobParameter> = [.factors, .iterations, .regularization, .alpha, .horizonDays, .inactivityDays,
                                                    .topK, .sleepSeconds, .searchBudget]

    public init(byRole: [String: [String: Double]]) { self.byRole = byRole }

    /// These limits with `overrides` taking the place of the same (role, parameter).
    public func merging(_ overrides: [String: [String: Double]]) -> ParameterLimits {
        var out = byRole
        for (role, limits) in overrides { out[role, default: [:]].merge(limits) { _, new in new } }
        return ParameterLimits(byRole: out)
    }

    /// The limits of the role that `access` stands for (none for a platform administrator).
    public func limits(for access: JobAccess) -> [String: Double] {
        switch access {
        case .platform: [:]
        case .tenant: byRole[Self.limitedRole] ?? [:]
        }
    }

    /// Checks parameters a caller set (already valid for the job kind); throws `SchedulerError.invalidParameter`
    /// naming the parameter and the limit: `factors=1024 exceeds the data_scientist limit 128`.
    public func check(_ params: [String: String], access: JobAccess) throws {
        let limits = limits(for: access)
        for (key, text) in params.sorted(by: { $0.key < $1.key }) {
            guard let limit = limits[key] else { continue }
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value <= limit else {
                throw SchedulerError.invalidParameter(key, "\(key)=\(text) exceeds the \(Self.limitedRole) limit \(Self.text(limit))")
            }
        }
    }

    /// `128`, `0.5`.
    public static func text(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }
}
