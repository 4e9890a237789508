/// Errors of the batch pipeline, each saying what to change.
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    case invalidOption(String)
    case noEvents(source: String)
    case unknownTenant(String)
    case modelVersionNotFound(tenant: String, kind: String, version: String)
    case cancelled

    public var description: String {
        switch self {
        case .invalidOption(let m): "invalid option: \(m)"
        case .noEvents(let s): "no valid events in \(s)"
        case .unknownTenant(let t): "tenant \(t) has no events in the source"
        case .modelVersionNotFound(let t, let k, let v): "no \(k) model version \(v) for tenant \(t)"
        case .cancelled: "cancelled"
        }
    }
}
