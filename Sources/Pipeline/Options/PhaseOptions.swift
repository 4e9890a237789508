/// The phases' own options, as a phase sees them (`TenantRunContext.options`): each phase reads its part only.
package struct PhaseOptions: Sendable {
    public var recommender: RecommenderOptions
    public var risk: RiskOptions
    public var noop: NoopOptions

    public init(recommender: RecommenderOptions = RecommenderOptions(), risk: RiskOptions = RiskOptions(),
                noop: NoopOptions = NoopOptions()) {
        self.recommender = recommender
        self.risk = risk
        self.noop = noop
    }
}
