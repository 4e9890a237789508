public import Foundation
public import LearningEvents
public import MongoStore

/// The tenant's course catalog in MongoDB (`courses`), written by the batch refresh and read by serving.
///
/// ```swift
/// // in the recommender phase, before publishing the version:
/// try await CatalogStore(db: db).replace(tenant: tenant, with: catalogCourses)
/// ```
public struct CatalogStore: Sendable {
    public let db: MongoDatabase

    public init(db: MongoDatabase) { self.db = db }

    /// Makes the tenant's stored catalog equal to `courses` (rows of other tenants are ignored): upserts every
    /// course, then deletes the courses no longer listed. Returns how many courses the tenant now has.
    @discardableResult
    public func replace(tenant: TenantID, with courses: [Course], now: Date = Date()) async throws -> Int {
        let mine = courses.filter { $0.tenantID == tenant.rawValue }
        var seen = Set<String>()
        let docs = mine.compactMap { c -> CourseDocument? in
            guard seen.insert(c.courseID).inserted else { return nil }
            return CourseDocument(course_id: c.courseID, title: c.title, org_ids: c.orgIDs, lesson_count: c.lessonCount,
                                  published: c.published, updated_at: now)
        }
        let scope = db.tenant(tenant)
        try await StoreLayout.courses.upsert(docs, in: scope)
        let keep = docs.map { BSON.string($0.course_id) }
        try await StoreLayout.courses.collection(in: scope).deleteMany(["course_id": ["$nin": .array(keep)]])
        return docs.count
    }

    /// The tenant's stored catalog, by course id (empty when none was ever written).
    public func courses(tenant: TenantID) async throws -> [CourseDocument] {
        try await StoreLayout.courses.collection(in: db.tenant(tenant)).find(sort: ["course_id": 1]).collect()
    }
}
