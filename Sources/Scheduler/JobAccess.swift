/// Whose jobs and runs a caller may see and act on: a platform admin (all tenants) or one tenant's data
/// scientist. `JobService` applies it to every call, so the CLI and the HTTP API share one rule: a run of another
/// tenant is reported as not found.
public enum JobAccess: Sendable, Equatable {
    case platform
    case tenant(String)

    /// Whether this access covers `tenant`.
    public func covers(_ tenant: String) -> Bool {
        switch self {
        case .platform: true
        case .tenant(let t): t == tenant
        }
    }
}
