import Foundation
package import Models

/// The pooled platform risk model of one run: the hazard weights (never rows) of the consenting tenants whose own
/// models were trained on enough outcomes, averaged by their person-period rows. Small consenting tenants shrink
/// their fits towards it. Tenants run largest first, so the pool is filled before the small ones need it.
///
/// `@unchecked Sendable`: `priors` is only touched under `lock`.
package final class PlatformPrior: @unchecked Sendable {
    private let lock = NSLock()
    private var priors: [String: SurvivalPrior] = [:]

    public init() {}

    /// Adds a consenting tenant's weights.
    public func add(tenant: String, _ prior: SurvivalPrior) { lock.withLock { priors[tenant] = prior } }

    /// The pooled prior of every tenant but `tenant` (nil when none has contributed).
    public func pooled(excluding tenant: String) -> SurvivalPrior? {
        lock.withLock { SurvivalPrior.pooled(priors.filter { $0.key != tenant }.sorted { $0.key < $1.key }.map(\.value)) }
    }

    /// Tenants whose weights are in the pool.
    public var contributors: [String] { lock.withLock { priors.keys.sorted() } }
}
