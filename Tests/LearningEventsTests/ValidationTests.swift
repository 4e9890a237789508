import LearningEvents
import Testing

@Suite struct ValidationTests {
    func good() -> RawLearningEvent {
        var r = RawLearningEvent()
        r.eventID = "e-1"
        r.tenantID = "acme"
        r.learnerID = "learner:42"
        r.courseID = "course@1"
        r.eventType = "quiz_submitted"
        r.occurredAt = "2026-01-05 10:00:00 UTC"
        r.durationSeconds = 30
        r.score = 0.75
        return r
    }

    @Test func acceptsAValidEvent() throws {
        let e = try LearningEvent(validating: good())
        #expect(e.type == .quizSubmitted)
        #expect(e.occurredAt == Timestamp.parse("2026-01-05T10:00:00Z"))
        #expect(e.score == 0.75)
        #expect(e.orgID == nil)
    }

    func failure(_ change: (inout RawLearningEvent) -> Void) -> ValidationError? {
        var r = good()
        change(&r)
        do {
            _ = try LearningEvent(validating: r)
            return nil
        } catch {
            return error
        }
    }

    @Test func namesFieldAndReason() {
        #expect(failure { $0.eventID = nil } == ValidationError(field: "event_id", reason: .missing))
        #expect(failure { $0.learnerID = "" } == ValidationError(field: "learner_id", reason: .emptyIdentifier))
        #expect(failure { $0.courseID = "../etc" } == ValidationError(field: "course_id", reason: .badIdentifier("../etc")))
        #expect(failure { $0.tenantID = ".hidden" }?.field == "tenant_id")
        #expect(failure { $0.orgID = "a b" }?.field == "org_id")
        #expect(failure { $0.lessonID = .text(String(repeating: "x", count: 129)) }?.field == "lesson_id")
        #expect(failure { $0.eventType = "clicked" } == ValidationError(field: "event_type", reason: .unknownEventType("clicked")))
        #expect(failure { $0.eventType = nil } == ValidationError(field: "event_type", reason: .missing))
        #expect(failure { $0.score = 1.5 } == ValidationError(field: "score", reason: .scoreOutOfRange(1.5)))
        #expect(failure { $0.score = -0.1 }?.field == "score")
        #expect(failure { $0.score = .double(.nan) }?.field == "score")
        #expect(failure { $0.score = .double(.infinity) }?.field == "score")
        #expect(failure { $0.durationSeconds = -1 } == ValidationError(field: "duration_seconds", reason: .negative(-1)))
        #expect(failure { $0.occurredAt = "soon" } == ValidationError(field: "occurred_at", reason: .badTimestamp("soon")))
        #expect(failure { $0.occurredAt = nil } == ValidationError(field: "occurred_at", reason: .missing))
        #expect(failure { $0.score = 1.5 }?.description == "score: 1.5 is outside 0…1")
    }

    @Test func identifierRule() {
        #expect(Identifier.isValid("A-z_0.9:@x"))
        #expect(Identifier.isValid(String(repeating: "a", count: 128)))
        #expect(!Identifier.isValid(String(repeating: "a", count: 129)))
        #expect(!Identifier.isValid(""))
        #expect(!Identifier.isValid(".x"))
        #expect(!Identifier.isValid("a/b"))
        #expect(!Identifier.isValid("é"))
        #expect(!Identifier.isValid("a\u{0}"))
    }

    @Test func eventTypeNames() {
        for t in EventType.allCases { #expect(EventType(name: t.name) == t) }
        #expect(EventType(name: "Enrolled") == nil)
    }

    @Test func courseValidation() throws {
        var c = RawCourse()
        c.tenantID = "acme"
        c.courseID = "c1"
        c.title = "Safety 101"
        c.lessonCount = 5
        c.published = true
        #expect(try Course(validating: c).orgIDs == [])
        c.lessonCount = -2
        #expect(throws: ValidationError(field: "lesson_count", reason: .negative(-2))) { try Course(validating: c) }
        c.lessonCount = 5
        c.orgIDs = ["ok", "not ok"]
        #expect(throws: ValidationError.self) { try Course(validating: c) }
        c.orgIDs = nil
        c.published = nil
        #expect(throws: ValidationError(field: "published", reason: .missing)) { try Course(validating: c) }
    }

    func goodCourse() -> RawCourse {
        var c = RawCourse()
        c.tenantID = "acme"
        c.courseID = "sql-2"
        c.title = "SQL II"
        c.lessonCount = 8
        c.published = true
        return c
    }

    @Test func courseAttributesAbsentAreEmpty() throws {
        let course = try Course(validating: goodCourse())
        #expect(course.language == nil)
        #expect(course.categories == [])
        #expect(course.publishedAt == nil)
        #expect(course.expiresAt == nil)
        #expect(course.prerequisites == [])
    }

    @Test func courseAttributesValid() throws {
        var c = goodCourse()
        c.language = "pt-BR"
        c.categories = ["data", "compliance"]
        c.publishedAt = "2026-01-05 10:00:00 UTC"
        c.expiresAt = .timestampMicros(Timestamp.parse("2027-01-05T10:00:00Z")!)
        c.prerequisites = ["sql-1"]
        let course = try Course(validating: c)
        #expect(course.language == "pt-BR")
        #expect(course.categories == ["data", "compliance"])
        #expect(course.publishedAt == Timestamp.parse("2026-01-05T10:00:00Z"))
        #expect(course.expiresAt == Timestamp.parse("2027-01-05T10:00:00Z"))
        #expect(course.prerequisites == ["sql-1"])
        // The limits themselves pass.
        c.language = String(repeating: "a", count: 35)
        c.categories = (0..<64).map { "k\($0)" }
        c.prerequisites = (0..<64).map { "c\($0)" }
        c.expiresAt = "2026-01-05T10:00:00.000001Z"  // one microsecond after publication
        #expect(try Course(validating: c).categories.count == 64)
    }

    @Test func courseLanguageRule() {
        for bad in ["", "en_US", "en US", "ü", "en/../x", String(repeating: "a", count: 36)] {
            var c = goodCourse()
            c.language = bad
            #expect(throws: ValidationError(field: "language", reason: .badLanguageTag(ValidationError.excerpt(bad)))) {
                try Course(validating: c)
            }
        }
        #expect(Course.isLanguageTag("de"))
        #expect(Course.isLanguageTag("zh-Hant-TW"))
    }

    @Test func courseListRules() {
        var c = goodCourse()
        c.categories = (0..<65).map { "k\($0)" }
        #expect(throws: ValidationError(field: "categories", reason: .tooMany(count: 65, limit: 64))) { try Course(validating: c) }
        #expect(ValidationError(field: "categories", reason: .tooMany(count: 65, limit: 64)).description
                == "categories: 65 entries; at most 64")
        c.categories = ["ok", "../etc"]
        #expect(throws: ValidationError(field: "categories", reason: .badIdentifier("../etc"))) { try Course(validating: c) }
        c.categories = [""]
        #expect(throws: ValidationError(field: "categories", reason: .emptyIdentifier)) { try Course(validating: c) }
        c.categories = nil
        c.prerequisites = (0..<65).map { "c\($0)" }
        #expect(throws: ValidationError(field: "prerequisites", reason: .tooMany(count: 65, limit: 64))) { try Course(validating: c) }
        c.prerequisites = ["sql-1", "a b"]
        #expect(throws: ValidationError(field: "prerequisites", reason: .badIdentifier("a b"))) { try Course(validating: c) }
        c.prerequisites = ["sql-1", "sql-2"]
        #expect(throws: ValidationError(field: "prerequisites", reason: .selfReference("sql-2"))) { try Course(validating: c) }
        #expect(ValidationError(field: "prerequisites", reason: .selfReference("sql-2")).description
                == "prerequisites: 'sql-2' is the course itself")
    }

    @Test func courseTimestampRules() {
        var c = goodCourse()
        c.publishedAt = "yesterday"
        #expect(throws: ValidationError(field: "published_at", reason: .badTimestamp("yesterday"))) { try Course(validating: c) }
        c.publishedAt = "1969-12-31 23:59:59 UTC"
        #expect(throws: ValidationError(field: "published_at", reason: .timestampOutOfRange(-1_000_000))) { try Course(validating: c) }
        c.publishedAt = .timestampMicros(.max)
        #expect(throws: ValidationError(field: "published_at", reason: .timestampOutOfRange(.max))) { try Course(validating: c) }
        c.publishedAt = 1_767_225_600_000_000  // a bare number is not a timestamp (as for occurred_at)
        #expect(throws: ValidationError(field: "published_at", reason: .wrongType(expected: "a timestamp", found: "integer"))) {
            try Course(validating: c)
        }
        c.publishedAt = nil
        c.expiresAt = .timestampMicros(.min)
        #expect(throws: ValidationError(field: "expires_at", reason: .timestampOutOfRange(.min))) { try Course(validating: c) }
        // expires_at must come after published_at: before and equal are refused, either alone is fine.
        let p = Timestamp.parse("2026-03-01T00:00:00Z")!
        c.publishedAt = .timestampMicros(p)
        for e in [p - 1, p] {
            c.expiresAt = .timestampMicros(e)
            #expect(throws: ValidationError(field: "expires_at", reason: .notAfter(e, other: "published_at", otherValue: p))) {
                try Course(validating: c)
            }
        }
        #expect(ValidationError(field: "expires_at", reason: .notAfter(p, other: "published_at", otherValue: p)).description
                == "expires_at: 2026-03-01T00:00:00Z is not after published_at (2026-03-01T00:00:00Z)")
        c.publishedAt = nil
        #expect(throws: Never.self) { try Course(validating: c) }
    }
}
