/// One learner of one tenant: the unit the consumer refreshes results for.
public struct LearnerKey: Hashable, Sendable, Comparable {
    public let tenant: String
    public let learner: String

    public init(tenant: String, learner: String) {
        self.tenant = tenant
        self.learner = learner
    }

    public static func < (a: LearnerKey, b: LearnerKey) -> Bool { (a.tenant, a.learner) < (b.tenant, b.learner) }
}
