/// A batch job: an ordered list of phases run for each tenant. Adding a kind is one file with its phase plus one
/// line in `all`.
///
/// ```swift
/// public static let scoreRisk = JobKind("score-risk", "Train the dropout-risk model and score every live enrolment.",
///                                       phases: [RiskPhase()])
/// ```
public struct JobKind: Sendable, CustomStringConvertible {
    public let name: String
    /// One line for `--help` and `lodestar jobs list`.
    public let summary: String
    package let phases: [any TenantPhase]

    package init(_ name: String, _ summary: String, phases: [any TenantPhase]) {
        self.name = name
        self.summary = summary
        self.phases = phases
    }

    public var description: String { name }

    /// Parameters the kind's phases read, plus the common ones (only `cutoff` for a kind that reads no export).
    package var parameters: Set<JobParameter> {
        phases.reduce(readsExport ? JobParameter.common : [.cutoff]) { $0.union($1.parameters) }
    }

    /// False when no phase reads the export (`noop`): a run then needs no `source` and reads nothing.
    public var readsExport: Bool { phases.contains { $0.readsExport } }

    public static let ingest = JobKind("ingest", "Features per enrolment into learner_features; bad rows into quarantine.",
                                       phases: [FeaturesPhase()])
    public static let trainEmbeddings = JobKind("train-embeddings", "iALS embeddings (a new recommender version), no lists.",
                                                phases: [RecommenderPhase(writeRecommendations: false)])
    public static let scoreRisk = JobKind("score-risk", "Train the dropout-risk model and score every live enrolment.",
                                          phases: [RiskPhase()])
    public static let recommend = JobKind("recommend", "Embeddings plus top-K recommendations with reasons.",
                                          phases: [RecommenderPhase(writeRecommendations: true)])
    public static let refresh = JobKind("refresh", "ingest, recommend and score-risk: the nightly job.",
                                        phases: [FeaturesPhase(), RecommenderPhase(writeRecommendations: true), RiskPhase()])

    public static let noop = JobKind("noop", "Health check: reads and writes nothing, waits sleep_seconds (scheduler tests and benchmark).",
                                     phases: [NoopPhase()])

    /// Every job kind, by name.
    public static let all: [JobKind] = [.ingest, .trainEmbeddings, .scoreRisk, .recommend, .refresh, .noop]

    /// The kind called `name`, if any.
    public static func named(_ name: String) -> JobKind? { all.first { $0.name == name } }
}
