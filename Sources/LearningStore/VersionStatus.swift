/// Where a model version is in its life: written as `staging`, made `active` in one transaction once complete,
/// `retired` when a newer one becomes active.
public enum VersionStatus: String, Sendable, Codable, CaseIterable {
    /// Being written (or abandoned by a run that died): invisible to readers.
    case staging
    /// The one version readers use, per tenant and kind.
    case active
    /// Replaced; kept (the newest few) for rollback.
    case retired
}
