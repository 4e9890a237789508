import Foundation
import Hummingbird
import LearningStore
import Models

/// A learner's risk: `GET /v1/tenants/{tenant}/learners/{learner}/risk` (the stored scores of the active risk
/// version) and `POST /v1/tenants/{tenant}/risk:infer` (live: raw features, or a learner and course whose current
/// `learner_features` row is read, through the active model and the feature schema it was trained with).
struct RiskRoutes {
    let services: APIServices

    struct Factor: Codable, Sendable {
        let feature: String
        let value: Double
        let contribution: Double
        /// The factor in words (nil on scores written before reasons were stored).
        let reason: String?

        init(_ f: RiskDocument.Factor) {
            feature = f.feature
            value = f.value
            contribution = f.contribution
            reason = f.reason
        }
    }

    struct StoredScore: Encodable {
        let course_id: String
        let org_id: String?
        let risk: Double
        let band: String
        let factors: [Factor]
        let computed_at: Date
        let model_kind: String?
        let expected_dropout_week: Double?
    }

    struct LearnerRisk: Encodable {
        let tenant_id: String
        let learner_id: String
        let model_version: String
        let scores: [StoredScore]
    }

    struct Inference: Encodable {
        let tenant_id: String
        let model_version: String
        let learner_id: String?
        let course_id: String?
        let risk: Double
        let band: String
        let baseline: Double
        let model_kind: String
        let expected_dropout_week: Double?
        let factors: [Factor]
        let features: [String: Double]
    }

    /// How many factors a live inference returns (as many as a stored score).
    static let factorCount = 5

    func collection() -> RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get("learners/{learner}/risk") { request, context in try await learnerRisk(request, context) }
        routes.post("risk:infer") { request, context in try await infer(request, context) }
        return routes
    }

    func learnerRisk(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try Access.tenant(context.parameters.get("tenant") ?? "", principal)
        let learner = try PathParameter.identifier(context.parameters.get("learner"), "learner")
        let view = try Access.learner(learner, principal, roles: [.learner, .service, .tenantAdmin], for: "a learner's risk")
        try QueryParameters(request).onlyKnown([])
        let results = ActiveResults(db: services.db)
        guard let version = try await results.activeVersion(tenant, .risk) else {
            throw APIError(.notFound, code: "no_model", "this tenant has no active risk model")
        }
        var docs = try await results.risk(tenant: tenant, learner: learner, version: version.version)
        if case .organisations(let orgs) = view { docs = docs.filter { $0.org_id.map(orgs.contains) ?? false } }
        let scores = docs.map { d in
            StoredScore(course_id: d.course_id, org_id: d.org_id, risk: d.risk, band: d.band,
                        factors: d.factors.map(Factor.init),
                        computed_at: d.computed_at, model_kind: d.model_kind, expected_dropout_week: d.expected_dropout_week)
        }
        return try JSONResponse.make(LearnerRisk(tenant_id: tenant.rawValue, learner_id: learner, model_version: version.version, scores: scores))
    }

    /// Raw inputs given in a request (`nil`: unknown, the schema's missing value applies).
    /// Every raw input of a source, copied (sendable to the compute threads).
    struct InputValues: FeatureInputSource, Sendable {
        let values: [FeatureInput: Double]
        let featureCourseID: String?
        init(_ source: some FeatureInputSource) {
            values = Dictionary(uniqueKeysWithValues: FeatureInput.allCases.compactMap { i in source.featureInput(i).map { (i, $0) } })
            featureCourseID = source.featureCourseID
        }
        func featureInput(_ input: FeatureInput) -> Double? { values[input] }
    }

    struct GivenFeatures: FeatureInputSource {
        let values: [FeatureInput: Double]
        func featureInput(_ input: FeatureInput) -> Double? { values[input] }
    }

    func infer(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try Access.tenant(context.parameters.get("tenant") ?? "", principal)
        try QueryParameters(request).onlyKnown([])
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard case .object(let object)? = JSONValue.parse(Data(buffer: body)) else {
            throw APIError.invalidBody("the body must be a JSON object: {\"features\": {…}} or {\"learner_id\", \"course_id\"}")
        }
        if let extra = object.keys.first(where: { !["features", "learner_id", "course_id"].contains($0) }) {
            throw APIError.invalidBody("unknown field \(String(extra.prefix(64)).debugDescription)")
        }
        let source: any FeatureInputSource
        var learner: String? = nil, course: String? = nil
        if let features = object["features"] {
            guard object["learner_id"] == nil, object["course_id"] == nil else {
                throw APIError.invalidBody("give either features or learner_id and course_id, not both")
            }
            try Access.require([.service, .tenantAdmin, .dataScientist], principal, for: "risk inference from features")
            source = try Self.parseFeatures(features)
        } else {
            guard case .string(let l)? = object["learner_id"], case .string(let c)? = object["course_id"] else {
                throw APIError.invalidBody("give features, or learner_id and course_id (strings)")
            }
            learner = try PathParameter.identifier(l, "learner_id")
            course = try PathParameter.identifier(c, "course_id")
            let view = try Access.learner(learner!, principal, roles: [.learner, .service, .tenantAdmin], for: "a learner's risk")
            let rows = try await LearnerRowsCache.read(services.db, tenant, learner!)
            guard let row = rows.first(where: { $0.course_id == course }) else {
                throw APIError.notFound("no enrolment of this learner in this course")
            }
            if case .organisations(let orgs) = view, !(row.org_id.map(orgs.contains) ?? false) {
                throw APIError.notFound("no enrolment of this learner in this course")
            }
            source = row
        }
        guard let snapshot = try await services.cache.risk(tenant) else {
            throw APIError(.notFound, code: "no_model", "this tenant has no active risk model")
        }
        // The batch's scoring path (`RiskScorer`): same features, model, factors in words and expected week.
        let scorer = snapshot.scorer
        let inputs = InputValues(source)
        let vector = scorer.schema.vector(inputs).map(Double.init)
        let (score, baseline) = try await services.compute.run { () throws -> (RiskScorer.Score, Double) in
            (try scorer.score(inputs), try scorer.model.predict(vector).baseline)
        }
        return try JSONResponse.make(Inference(
            tenant_id: tenant.rawValue, model_version: snapshot.version.version, learner_id: learner, course_id: course,
            risk: score.risk, band: score.band.rawValue, baseline: baseline, model_kind: score.modelKind,
            expected_dropout_week: score.expectedDropoutWeek, factors: score.factors.prefix(Self.factorCount).map(Factor.init),
            features: Dictionary(uniqueKeysWithValues: zip(scorer.schema.names, vector))))
    }

    /// The accepted range of each raw input (as in openapi.yaml).
    static let inputRanges: [FeatureInput: ClosedRange<Double>] = [
        .daysSinceLastActivity: 0...100_000, .activeDays7: 0...7, .activeDays14: 0...14, .activeDays28: 0...28,
        .completionRatio: 0...1, .lessonsCompleted: 0...100_000, .views: 0...1_000_000, .timeSpentSeconds: 0...1_000_000_000,
        .quizAttempts: 0...100_000, .quizMeanScore: 0...1, .quizScoreTrend: -100...100, .daysEnrolled: 0...100_000,
        .lastQuizScore: 0...1, .quizScoreGap: -1...1, .longestGapDays: 0...100_000, .gapTrend: -1_000...1_000,
        .decayedActivity: 0...1_000_000, .lessonsPerWeek: 0...100_000, .courseDropoutRate: 0...1, .paceVsCohort: 0...1_000,
    ]

    /// `{"<learner_features field>": number | null, …}` with the fields `FeatureInput` names.
    static func parseFeatures(_ value: JSONValue) throws -> GivenFeatures {
        guard case .object(let dict) = value else { throw APIError.invalidBody("features must be an object of numbers") }
        var out: [FeatureInput: Double] = [:]
        for (key, raw) in dict {
            guard let input = FeatureInput(rawValue: key) else {
                throw APIError.invalidBody("features: unknown feature \(String(key.prefix(64)).debugDescription); known: "
                    + FeatureInput.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if raw == .null { continue }
            guard case .number(let d) = raw else { throw APIError.invalidBody("features.\(key) must be a number or null") }
            let range = inputRanges[input] ?? 0...1e9
            guard d.isFinite, range.contains(d) else {
                throw APIError.invalidBody("features.\(key) must be from \(range.lowerBound) to \(range.upperBound)")
            }
            out[input] = d
        }
        return GivenFeatures(values: out)
    }
}
