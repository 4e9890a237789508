import EventSources
import Foundation
import LodestarTestSupport
import LearningEvents
import Testing

@Suite struct CourseSourceTests {
    @Test func ndjsonAndCSVCoursesWithBadRows() async throws {
        let dir = try tempDir("courses")
        try write("""
            {"tenant_id":"acme","course_id":"c1","title":"Safety","org_ids":["o1","o2"],"lesson_count":"12","published":true,"extra":{"x":1}}
            {"tenant_id":"acme","course_id":"c2","title":"Sales","lesson_count":3,"published":false}
            {"tenant_id":"acme","course_id":"c3","title":"Bad","lesson_count":"-1","published":true}
            {"tenant_id":"acme","course_id":"c4","lesson_count":"1","published":true}
            {"tenant_id":"acme","course_id":"c5","title":"T","lesson_count":"1","published":"yes"}
            not json
            """ + "\n", to: dir + "/courses-0.json")  // with its line break: one bad row, not a cut file
        try write("""
            tenant_id,course_id,title,org_ids,lesson_count,published
            acme,c6,"Design, advanced","[""o1""]",4,true
            acme,c7,Plain,,2,false
            acme,../c8,X,,2,false
            """, to: dir + "/courses-1.csv")
        let r = try await CourseSource([dir]).read()
        #expect(r.failures.isEmpty)
        #expect(r.courses.map(\.courseID) == ["c1", "c2", "c6", "c7"])
        #expect(r.courses[0].orgIDs == ["o1", "o2"])
        #expect(r.courses[0].lessonCount == 12)
        #expect(r.courses[1].published == false)
        #expect(r.courses[2].title == "Design, advanced")
        #expect(r.courses[2].orgIDs == ["o1"])
        #expect(r.courses[3].orgIDs == [])
        let reasons = r.quarantined.map { "\($0.position) \($0.field ?? "-") \($0.reason)" }
        #expect(reasons.count == 5, "\(reasons)")
        #expect(reasons[0] == "line 3 lesson_count lesson_count: -1 is negative")
        #expect(reasons[1].hasPrefix("line 4 title"))
        #expect(reasons[2].hasPrefix("line 5 published"))
        #expect(reasons[3].hasPrefix("line 6 -"))
        #expect(reasons[4].hasPrefix("line 4 course_id"))
    }
}
