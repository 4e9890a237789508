/// What a phase did for one tenant.
package enum PhaseOutcome: Sendable, Equatable {
    /// Documents written (not versioned, e.g. `learner_features`).
    case wrote(documents: Int)
    /// A new model version made active.
    case published(kind: ModelKindName, version: String, documents: Int)
    /// Nothing to do, or nothing safe to publish; the reason is also a note in the summary.
    case skipped(reason: String)
    /// Computed but not written (`--dry-run`).
    case dryRun
}

/// The registry kind a phase published (`recommender` or `risk`), by name so this enum stays independent of the
/// store's types.
package typealias ModelKindName = String
