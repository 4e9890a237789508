public import LearningEvents

/// Who a verified token speaks for.
public struct Principal: Sendable, Equatable {
    /// The subject (`sub`), for logs of who did what (never the token).
    public let subject: String
    /// The token's tenant; `nil` only for a platform administrator without one.
    public let tenant: TenantID?
    public let roles: Set<Role>
    /// The organisations a tenant administrator reaches (`org_ids`; none without the claim, all with `["*"]`).
    public let organisations: OrganisationScope
    /// The learner a `learner` token speaks for.
    public let learnerID: String?

    public init(subject: String, tenant: TenantID?, roles: Set<Role>, organisations: OrganisationScope, learnerID: String?) {
        self.subject = subject
        self.tenant = tenant
        self.roles = roles
        self.organisations = organisations
        self.learnerID = learnerID
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }

    public var isPlatformAdmin: Bool { roles.contains(.platformAdmin) }
}
