/// Errors of the data contract's operations, each saying what to do.
public enum LearningStoreError: Error, Sendable, CustomStringConvertible, Equatable {
    case versionNotFound(tenant: String, kind: ModelKind, version: String)
    /// A version that is not complete (its documents were not all written) cannot become active.
    case versionIncomplete(tenant: String, kind: ModelKind, version: String)
    /// Activation found the version no longer `staging` and complete (pruned or changed by another run).
    case activationConflict(tenant: String, kind: ModelKind, version: String)
    case noActiveVersion(tenant: String, kind: ModelKind)
    case noOlderVersion(tenant: String, kind: ModelKind, active: String)
    /// A risk model and a feature schema that do not name the same features in the same order.
    case schemaMismatch(String)
    /// A version name that does not follow the identifier rule (it would name a place in the artifact store).
    case invalidVersionName(String)
    /// An artifact file larger than the loader accepts.
    case artifactTooLarge(path: String, limit: Int)
    /// An artifact file the store does not have.
    case artifactMissing(path: String, store: String)
    /// An artifact file whose bytes differ from the size and SHA-256 recorded in `model_versions`.
    case artifactCorrupt(path: String, detail: String)
    /// An artifact that decodes but cannot be served (schema and model disagree, …).
    case artifactUnusable(path: String, detail: String)

    public var description: String {
        switch self {
        case .versionNotFound(let t, let k, let v): "no \(k.rawValue) model version \(v) for tenant \(t)"
        case .versionIncomplete(let t, let k, let v):
            "\(k.rawValue) version \(v) of tenant \(t) is not complete (its run did not finish writing it); it cannot be activated"
        case .activationConflict(let t, let k, let v):
            "\(k.rawValue) version \(v) of tenant \(t) was not a complete staging version at activation (removed or changed by another run)"
        case .noActiveVersion(let t, let k): "tenant \(t) has no active \(k.rawValue) version"
        case .noOlderVersion(let t, let k, let a): "tenant \(t) has no complete retired \(k.rawValue) version older than the active \(a)"
        case .schemaMismatch(let m): "feature schema mismatch: \(m)"
        case .invalidVersionName(let v): "version name \(v.debugDescription) is not an identifier"
        case .artifactTooLarge(let p, let l): "artifact \(p) is larger than \(l) bytes"
        case .artifactMissing(let p, let s): "artifact \(p) is not in the artifact store \(s)"
        case .artifactCorrupt(let p, let d): "artifact \(p) does not match model_versions: \(d)"
        case .artifactUnusable(let p, let d): "artifact \(p) cannot be served: \(d)"
        }
    }
}
