/// A role a token may carry (claim `roles`). Unknown role names are ignored.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// A learner: their own recommendations and risk only (the learner is the `learner_id` claim, else `sub`).
    case learner
    /// The platform API: any learner of its tenant.
    case service
    /// A tenant administrator: at-risk lists and learners' risk, limited to its `org_ids` when the claim is set.
    case tenantAdmin = "tenant_admin"
    /// A data scientist: the tenant's models and jobs.
    case dataScientist = "data_scientist"
    /// The platform operator: every tenant.
    case platformAdmin = "platform_admin"
}
