import EventSources
import Foundation
import LearningEvents
import LearningStore
import MongoStore
@testable import Pipeline
import Testing

/// `ingest` carries the catalog's attributes for recommendation rules (language, categories, publication window,
/// prerequisites) into the `courses` collection; a course seen only in events has none of them.
@Suite struct CatalogAttributesIngestTests {
    @Test func ingestWritesCatalogAttributes() async throws {
        let f = try await PipelineFixture(label: "catalog-attrs", tenants: 1, learners: 400)
        let catalogDir = f.dir.appendingPathComponent("courses").path
        // The generated catalog, plus one course of a hand-written file with every attribute and one without any.
        let extra = f.dir.appendingPathComponent("extra-courses.json")
        try """
            {"tenant_id":"tenant-000","course_id":"x-1","title":"Extra","lesson_count":"2","published":true,"language":"pt-BR","categories":["data","sales"],"published_at":"2026-01-01 00:00:00 UTC","expires_at":"2026-12-31T00:00:00.5Z","prerequisites":["c-0000"]}
            {"tenant_id":"tenant-000","course_id":"x-2","title":"Bare","lesson_count":"2","published":true}

            """.write(to: extra, atomically: true, encoding: .utf8)
        var options = f.options()
        options.job = .ingest
        options.catalog = [catalogDir, extra.path]
        _ = try await f.run(options)
        var stored: [String: CourseDocument] = [:]
        for try await d in StoreLayout.courses.collection(in: f.db.tenant(try TenantID(validating: "tenant-000"))).find() {
            stored[d.course_id] = d
        }
        let catalog = try await CourseSource([catalogDir]).read().courses.filter { $0.tenantID == "tenant-000" }
        #expect(!catalog.isEmpty)
        func date(_ micros: Int64?) -> Date? { micros.map { Date(timeIntervalSince1970: Double($0) / 1_000_000) } }
        for c in catalog {
            let d = try #require(stored[c.courseID])
            #expect(d.language == c.language)
            #expect(d.categories == c.categories)
            #expect(d.published_at == date(c.publishedAt))
            #expect(d.expires_at == date(c.expiresAt))
            #expect(d.prerequisites == c.prerequisites)
        }
        #expect(catalog.contains { $0.language != nil } && catalog.contains { $0.publishedAt != nil })
        let x1 = try #require(stored["x-1"])
        #expect(x1.language == "pt-BR" && x1.categories == ["data", "sales"] && x1.prerequisites == ["c-0000"])
        #expect(x1.published_at == date(Timestamp.parse("2026-01-01T00:00:00Z")))
        // BSON dates hold milliseconds: the half second survives.
        #expect(x1.expires_at == date(Timestamp.parse("2026-12-31T00:00:00.5Z")))
        let x2 = try #require(stored["x-2"])
        #expect(x2.language == nil && x2.categories == [] && x2.published_at == nil && x2.expires_at == nil && x2.prerequisites == [])
        try await f.finish()
    }
}
