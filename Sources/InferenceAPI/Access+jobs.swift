import Scheduler

extension Access {
    /// The job scope of the principal for the job routes (`/v1/jobs`, `/v1/runs`): `platform_admin` acts on every
    /// tenant's jobs and runs; `data_scientist` on its own tenant's only (`JobService` reports another tenant's run as
    /// not found); any other role is 403. There is no path tenant here, so rule 1 of `Access` is applied by
    /// `JobService` and `JobRoutes` (another tenant's run or job answers 404).
    static func jobs(_ principal: Principal) throws -> JobAccess {
        if principal.isPlatformAdmin { return .platform }
        try require([.dataScientist], principal, for: "access to jobs and runs")
        guard let tenant = principal.tenant else { throw APIError.forbidden("jobs and runs need a token with a tenant_id") }
        return .tenant(tenant.rawValue)
    }
}
