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
}
