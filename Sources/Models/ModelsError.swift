/// Errors from building, training and using models. Bad input (shapes, ids, hyperparameters) is reported, not trapped.
public enum ModelsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hyperparameter is out of range.
    case invalidConfiguration(String)
    /// Inputs have inconsistent shapes or out-of-range indices.
    case shapeMismatch(String)
    /// An id or index is not known to the model.
    case unknownIdentifier(String)
    /// Training could not proceed (for instance a singular system with zero regularisation).
    case trainingFailed(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(m): return "invalid configuration: \(m)"
        case let .shapeMismatch(m): return "shape mismatch: \(m)"
        case let .unknownIdentifier(m): return "unknown identifier: \(m)"
        case let .trainingFailed(m): return "training failed: \(m)"
        }
    }
}
