/// Errors of the batch pipeline, each saying what to change.
package enum PipelineError: Error, CustomStringConvertible, Sendable {
    case invalidOption(String)
    case noEvents(source: String)
    case unknownTenant(String)
    /// A metric, weight or score came out NaN or infinite: nothing is published from it.
    case nonFinite(what: String)
    case cancelled

    public var description: String {
        switch self {
        case .invalidOption(let m): "invalid option: \(m)"
        case .noEvents(let s): "no valid events in \(s)"
        case .unknownTenant(let t): "tenant \(t) has no events in the source"
        case .nonFinite(let what): "\(what) are not finite (NaN or infinity): not published"
        case .cancelled: "cancelled"
        }
    }

    /// Throws `nonFinite` when any value of `metrics` is NaN or infinite.
    static func checkFinite(_ metrics: [String: Double], what: String) throws {
        let bad = metrics.filter { !$0.value.isFinite }.keys.sorted()
        if !bad.isEmpty { throw PipelineError.nonFinite(what: "\(what) (\(bad.joined(separator: ", ")))") }
    }
}
