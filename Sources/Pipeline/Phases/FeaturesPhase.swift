import Foundation
import LearningStore
import MongoStore

/// `ingest`: the features of every enrolment as of the tenant's cutoff into `learner_features` (with the aggregates
/// they came from, which the stream continues from), and what it knew of each course into `courses` (lesson count,
/// catalog visibility, and the catalog's language, categories, publication window and prerequisites), a chunk at a
/// time, under the lease `features:<tenant>` so two runs never interleave their rows.
package struct FeaturesPhase: TenantPhase {
    public let name = "features"

    public init() {}

    public func run(_ context: TenantRunContext) async throws -> PhaseOutcome {
        let agg = context.aggregate
        guard !context.settings.dryRun else { return .dryRun }
        let leases = context.registry.leases
        let written = try await leases.withLease("features:\(context.tenantName)", waitingUpTo: context.settings.leaseWait) { _ in
            var written = 0
            for lo in stride(from: 0, to: agg.enrolmentCount, by: RefreshJob.chunk) {
                try Task.checkCancellation()
                let docs = agg.featureDocuments(enrolments: lo..<(lo + RefreshJob.chunk), lessonCount: context.lessonCount)
                written += try await context.write(docs, to: StoreLayout.features)
            }
            written += try await context.write(Self.courseDocuments(context), to: StoreLayout.courses)
            return written
        }
        return .wrote(documents: written)
    }

    /// Every course of the tenant's events and catalog, with the lesson count its completion ratios use, the
    /// catalog's visibility (a course only in events is recommendable only when the run had no catalog) and the
    /// catalog's attributes for recommendation rules (a catalog course always has `categories` and `prerequisites`,
    /// empty when the export gives none; a course only in events has none of them).
    static func courseDocuments(_ context: TenantRunContext) -> [CourseDocument] {
        let agg = context.aggregate, catalog = context.catalog, tenant = context.tenantName
        var docs: [String: CourseDocument] = [:]
        for c in catalog.courses(tenant: tenant) {
            docs[c.courseID] = CourseDocument(course_id: c.courseID, title: c.title, org_ids: c.orgIDs,
                                              lesson_count: max(0, Int(c.lessonCount)), published: c.published, in_catalog: true,
                                              language: c.language, categories: c.categories,
                                              published_at: c.publishedAt.map(date), expires_at: c.expiresAt.map(date),
                                              prerequisites: c.prerequisites)
        }
        for i in agg.courses.indices {
            let id = agg.courses[i]
            let lessons = agg.effectiveLessonCount(course: i, lessonCount: context.lessonCount)
            if var d = docs[id] {
                d.lesson_count = lessons
                docs[id] = d
            } else {
                docs[id] = CourseDocument(course_id: id, title: id, org_ids: [], lesson_count: lessons,
                                          published: !catalog.isProvided, in_catalog: false)
            }
        }
        return docs.keys.sorted().map { docs[$0]! }
    }
}
