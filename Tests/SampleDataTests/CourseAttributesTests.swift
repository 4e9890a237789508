import EventSources
import LearningEvents
import SampleData
import Testing

/// The generated catalog carries the attributes recommendation rules read (language, categories, publication window,
/// prerequisites), consistent with the events beside it, identically in Avro and NDJSON.
@Suite struct CourseAttributesTests {
    @Test func generatedCatalogAttributes() async throws {
        let (avroDir, summary) = try generated("attrs-avro", tenants: 3, learners: 3000, seed: 5, format: .avro)
        let (jsonDir, _) = try generated("attrs-json", tenants: 3, learners: 3000, seed: 5, format: .ndjson)
        let avro = try await CourseSource([avroDir + "/courses"]).read()
        let json = try await CourseSource([jsonDir + "/courses"]).read()
        #expect(avro.quarantined.isEmpty && avro.failures.isEmpty && json.quarantined.isEmpty && json.failures.isEmpty)
        #expect(avro.courses == json.courses, "the same catalog in both formats")
        let courses = avro.courses
        #expect(courses.count == summary.courses)
        let n = Double(courses.count)

        let languages = courses.compactMap(\.language)
        #expect(Set(languages).isSubset(of: ["en", "de", "fr", "pt-BR"]))
        #expect(Double(languages.count) / n > 0.75 && languages.count < courses.count, "most courses, not all, have one")
        #expect(Double(languages.filter { $0 == "en" }.count) / Double(languages.count) > 0.6, "most are en")
        #expect(Set(languages).count >= 3)

        let categories = Set(["compliance", "leadership", "data", "safety", "sales"])
        #expect(courses.allSatisfy { $0.categories.count <= 2 && Set($0.categories).isSubset(of: categories) })
        #expect(courses.allSatisfy { Set($0.categories).count == $0.categories.count })
        #expect(courses.contains { $0.categories.count == 2 } && courses.contains { $0.categories.isEmpty })

        // Published within the year before the export date, before any of the course's events.
        let exportDate = GeneratorConfig(tenants: 1, learners: 1, seed: 1).exportDate
        let yearBefore = exportDate - 365 * Timestamp.microsPerDay
        let published = courses.compactMap(\.publishedAt)
        #expect(Double(published.count) / n > 0.8 && published.count < courses.count)
        #expect(published.allSatisfy { $0 >= yearBefore && $0 < exportDate })
        let events = try await readEvents([avroDir + "/events"]).events
        var firstEvent: [String: Int64] = [:]
        var lastEnrolment: [String: Int64] = [:]
        for e in events {
            let key = e.tenantID + "/" + e.courseID
            firstEvent[key] = min(firstEvent[key] ?? .max, e.occurredAt)
            if e.type == .enrolled { lastEnrolment[key] = max(lastEnrolment[key] ?? .min, e.occurredAt) }
        }
        for c in courses {
            guard let p = c.publishedAt, let first = firstEvent[c.tenantID + "/" + c.courseID] else { continue }
            #expect(p < first, "\(c.tenantID)/\(c.courseID) published before its first event")
        }

        // A few expired before the export date, after their last enrolment; a few expire later.
        let expired = courses.filter { ($0.expiresAt ?? .max) < exportDate }
        #expect(!expired.isEmpty && Double(expired.count) / n < 0.2, "\(expired.count) of \(courses.count)")
        #expect(courses.contains { ($0.expiresAt ?? .min) > exportDate })
        for c in expired {
            if let last = lastEnrolment[c.tenantID + "/" + c.courseID] { #expect(c.expiresAt! > last) }
        }

        // Prerequisites name other courses of the same tenant; some form chains.
        let byKey = Dictionary(uniqueKeysWithValues: courses.map { ($0.tenantID + "/" + $0.courseID, $0) })
        let withPrerequisites = courses.filter { !$0.prerequisites.isEmpty }
        #expect(!withPrerequisites.isEmpty && Double(withPrerequisites.count) / n < 0.25)
        var chain = false
        for c in withPrerequisites {
            #expect(!c.prerequisites.contains(c.courseID))
            for p in c.prerequisites {
                let required = try #require(byKey[c.tenantID + "/" + p], "\(p) is a course of \(c.tenantID)")
                if !required.prerequisites.isEmpty { chain = true }
            }
        }
        #expect(chain, "some prerequisite has a prerequisite")
    }
}
