/// Errors of the consumer that name what to fix.
public enum StreamingError: Error, Sendable, CustomStringConvertible {
    case modelMismatch(tenant: String, version: String, detail: String)
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .modelMismatch(let t, let v, let d): "tenant \(t) risk version \(v): \(d)"
        case .invalidConfiguration(let s): "consumer configuration: \(s)"
        }
    }
}
