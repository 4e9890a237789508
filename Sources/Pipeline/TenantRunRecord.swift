import Foundation

/// The summary row and report section of one tenant, filled in by its phases (which may run their compute on
/// other threads). A reference type so every phase of the tenant writes to the same place.
///
/// `@unchecked Sendable`: `summary` and `report` are only touched under `lock`.
package final class TenantRunRecord: @unchecked Sendable {
    private let lock = NSLock()
    private var summaryValue: TenantSummary
    private var reportValue: TenantReport

    public init(tenant: String) {
        summaryValue = TenantSummary(tenant: tenant)
        reportValue = TenantReport(tenant: tenant)
    }

    /// Changes the summary and the report together.
    public func update(_ body: (inout TenantSummary, inout TenantReport) -> Void) {
        lock.withLock { body(&summaryValue, &reportValue) }
    }

    /// Adds a note to the summary.
    public func note(_ text: String) { update { s, _ in s.notes.append(text) } }

    public var summary: TenantSummary { lock.withLock { summaryValue } }
    public var report: TenantReport { lock.withLock { reportValue } }
}
