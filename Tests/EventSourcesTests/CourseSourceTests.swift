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

    /// The reasons of a read's refused rows, as "position field reason".
    func reasons(_ r: CourseSource.Result) -> [String] { r.quarantined.map { "\($0.position) \($0.field ?? "-") \($0.reason)" } }

    static let p = Timestamp.parse("2025-06-01T00:00:00Z")!
    static let e = Timestamp.parse("2026-06-01T00:00:00Z")!
    static let head = #"{"tenant_id":"acme","title":"T","lesson_count":"3","published":true,"#

    @Test func ndjsonAttributes() async throws {
        let dir = try tempDir("course-attrs-json")
        let many = "[" + (0..<65).map { "\"k\($0)\"" }.joined(separator: ",") + "]"
        let sixtyFour = "[" + (0..<64).map { "\"k\($0)\"" }.joined(separator: ",") + "]"
        let rows = [
            #""course_id":"c1","language":"pt-BR","categories":["data","safety"],"published_at":"2025-06-01 00:00:00 UTC","expires_at":"2026-06-01T02:00:00+02:00","prerequisites":["c0"]}"#,
            #""course_id":"c2"}"#,
            #""course_id":"c3","language":null,"categories":null,"published_at":null,"expires_at":null,"prerequisites":null}"#,
            #""course_id":"c4","categories":[],"prerequisites":[],"published_at":"2025-06-01T00:00:00Z"}"#,
            #""course_id":"c5","categories":\#(sixtyFour)}"#,
            #""course_id":"b1","language":"\#(String(repeating: "a", count: 36))"}"#,
            #""course_id":"b2","language":"en_US"}"#,
            #""course_id":"b3","language":""}"#,
            #""course_id":"b4","language":7}"#,
            #""course_id":"b5","categories":\#(many)}"#,
            #""course_id":"b6","categories":["ok","../x"]}"#,
            #""course_id":"b7","categories":"data"}"#,
            #""course_id":"b8","categories":[1,2]}"#,
            #""course_id":"b9","published_at":"yesterday"}"#,
            #""course_id":"b10","published_at":"1969-12-31 23:59:59 UTC"}"#,
            #""course_id":"b11","published_at":1748736000000000}"#,
            #""course_id":"b12","published_at":"2026-06-01T00:00:00Z","expires_at":"2025-06-01T00:00:00Z"}"#,
            #""course_id":"b13","published_at":"2026-06-01T00:00:00Z","expires_at":"2026-06-01 00:00:00 UTC"}"#,
            #""course_id":"b14","prerequisites":["c1","b14"]}"#,
            #""course_id":"b15","prerequisites":\#(many)}"#,
            #""course_id":"b16","expires_at":"9999-12-31T23:59:59Z"}"#,
        ]
        try write(rows.map { Self.head + $0 }.joined(separator: "\n") + "\n", to: dir + "/courses.json")
        let r = try await CourseSource([dir]).read()
        #expect(r.failures.isEmpty)
        #expect(r.courses.map(\.courseID) == ["c1", "c2", "c3", "c4", "c5"])
        let c1 = r.courses[0]
        #expect(c1.language == "pt-BR" && c1.categories == ["data", "safety"] && c1.prerequisites == ["c0"])
        #expect(c1.publishedAt == Self.p && c1.expiresAt == Self.e)
        for c in r.courses[1...2] {
            #expect(c.language == nil && c.categories == [] && c.publishedAt == nil && c.expiresAt == nil && c.prerequisites == [])
        }
        #expect(r.courses[3].publishedAt == Self.p && r.courses[3].categories == [])
        #expect(r.courses[4].categories.count == 64)
        let got = reasons(r)
        #expect(got == [
            "line 6 language language: '\(String(repeating: "a", count: 36))' is not a language tag (1-35 of A-Z a-z 0-9 -)",
            "line 7 language language: 'en_US' is not a language tag (1-35 of A-Z a-z 0-9 -)",
            "line 8 language language: '' is not a language tag (1-35 of A-Z a-z 0-9 -)",
            "line 9 language language: expected string, found integer",
            "line 10 categories categories: 65 entries; at most 64",
            "line 11 categories categories: '../x' is not an identifier (1-128 of A-Z a-z 0-9 . _ : @ -, not starting with '.')",
            "line 12 categories categories: expected an array, found string",
            "line 13 categories categories: expected strings, found integer",
            "line 14 published_at published_at: 'yesterday' is not an RFC 3339 or BigQuery timestamp",
            "line 15 published_at published_at: 1969-12-31T23:59:59Z (-1000000 µs) is outside the years 1970–2200",
            "line 16 published_at published_at: expected a timestamp, found integer",
            "line 17 expires_at expires_at: 2025-06-01T00:00:00Z is not after published_at (2026-06-01T00:00:00Z)",
            "line 18 expires_at expires_at: 2026-06-01T00:00:00Z is not after published_at (2026-06-01T00:00:00Z)",
            "line 19 prerequisites prerequisites: 'b14' is the course itself",
            "line 20 prerequisites prerequisites: 65 entries; at most 64",
            "line 21 expires_at expires_at: 9999-12-31T23:59:59Z (253402300799000000 µs) is outside the years 1970–2200",
        ], "\(got)")
    }

    @Test func csvAttributes() async throws {
        let dir = try tempDir("course-attrs-csv")
        let many = "\"[" + (0..<65).map { "\"\"k\($0)\"\"" }.joined(separator: ",") + "]\""
        try write("""
            tenant_id,course_id,title,lesson_count,published,language,categories,published_at,expires_at,prerequisites
            acme,c1,T,3,true,de,"[""data"",""sales""]",2025-06-01 00:00:00 UTC,2026-06-01 00:00:00 UTC,"[""c0""]"
            acme,c2,T,3,true,,,,,
            acme,c3,T,3,true,fr,[],,,[]
            acme,b1,T,3,true,e n,,,,
            acme,b2,T,3,true,,data,,,
            acme,b3,T,3,true,,\(many),,,
            acme,b4,T,3,true,,,2025-13-01 00:00:00 UTC,,
            acme,b5,T,3,true,,,2026-06-01 00:00:00 UTC,2025-06-01 00:00:00 UTC,
            acme,b6,T,3,true,,,,,"[""b6""]"
            acme,b7,T,3,true,,"[""a"",""b/c""]",,,
            acme,b8,T,3,true,,,,"",
            """ + "\n", to: dir + "/courses.csv")
        let r = try await CourseSource([dir]).read()
        #expect(r.failures.isEmpty)
        #expect(r.courses.map(\.courseID) == ["c1", "c2", "c3"])
        let c1 = r.courses[0]
        #expect(c1.language == "de" && c1.categories == ["data", "sales"] && c1.prerequisites == ["c0"])
        #expect(c1.publishedAt == Self.p && c1.expiresAt == Self.e)
        #expect(r.courses[1].language == nil && r.courses[1].categories == [] && r.courses[1].publishedAt == nil)
        #expect(r.courses[2].language == "fr" && r.courses[2].prerequisites == [])
        let got = reasons(r)
        #expect(got.count == 8, "\(got)")
        #expect(got[0] == "line 5 language language: 'e n' is not a language tag (1-35 of A-Z a-z 0-9 -)")
        #expect(got[1] == "line 6 categories categories: expected an array, found text (not a JSON array)")
        #expect(got[2] == "line 7 categories categories: 65 entries; at most 64")
        #expect(got[3] == "line 8 published_at published_at: '2025-13-01 00:00:00 UTC' is not an RFC 3339 or BigQuery timestamp")
        #expect(got[4] == "line 9 expires_at expires_at: 2025-06-01T00:00:00Z is not after published_at (2026-06-01T00:00:00Z)")
        #expect(got[5] == "line 10 prerequisites prerequisites: 'b6' is the course itself")
        #expect(got[6].hasPrefix("line 11 categories categories: 'b/c' is not an identifier"))
        // A quoted empty cell is an empty string, not NULL: not a timestamp.
        #expect(got[7] == "line 12 expires_at expires_at: '' is not an RFC 3339 or BigQuery timestamp")
    }

    @Test func avroAttributes() async throws {
        let dir = try tempDir("course-attrs-avro")
        let pMillis = Self.p / 1000, eMillis = Self.e / 1000
        let records: [[UInt8]] = [
            AvroBytes.course(id: "c1", language: "en", categories: ["data"], publishedAt: Self.p, expiresAtMillis: eMillis,
                             prerequisites: ["c0"]),
            AvroBytes.course(id: "c2", language: nil, categories: [], publishedAt: nil, expiresAtMillis: nil, prerequisites: nil),
            AvroBytes.course(id: "c3", language: "fr", categories: [], publishedAt: nil, expiresAtMillis: nil, prerequisites: []),
            AvroBytes.course(id: "b1", language: "x_y", categories: [], publishedAt: nil, expiresAtMillis: nil, prerequisites: nil),
            AvroBytes.course(id: "b2", language: nil, categories: (0..<65).map { "k\($0)" }, publishedAt: nil,
                             expiresAtMillis: nil, prerequisites: nil),
            AvroBytes.course(id: "b3", language: nil, categories: [], publishedAt: .max, expiresAtMillis: nil, prerequisites: nil),
            AvroBytes.course(id: "b4", language: nil, categories: [], publishedAt: nil, expiresAtMillis: .max / 10, prerequisites: nil),
            AvroBytes.course(id: "b5", language: nil, categories: [], publishedAt: Self.e, expiresAtMillis: pMillis,
                             prerequisites: nil),
            AvroBytes.course(id: "b6", language: nil, categories: [], publishedAt: nil, expiresAtMillis: nil, prerequisites: ["b6"]),
            AvroBytes.course(id: "b7", language: nil, categories: [], publishedAt: nil, expiresAtMillis: nil,
                             prerequisites: (0..<65).map { "c\($0)" }),
            AvroBytes.course(id: "b8", language: nil, categories: [], publishedAt: .min, expiresAtMillis: nil, prerequisites: nil),
        ]
        try write(AvroBytes.header(schema: AvroBytes.attributedCourseSchema)
                  + AvroBytes.block(count: Int64(records.count), data: records.flatMap { $0 }), to: dir + "/courses.avro")
        let r = try await CourseSource([dir]).read()
        #expect(r.failures.isEmpty, "\(r.failures)")
        #expect(r.courses.map(\.courseID) == ["c1", "c2", "c3"])
        let c1 = try #require(r.courses.first)
        #expect(c1.language == "en" && c1.categories == ["data"] && c1.prerequisites == ["c0"])
        #expect(c1.publishedAt == Self.p && c1.expiresAt == Self.e)
        #expect(r.courses[1].language == nil && r.courses[1].publishedAt == nil && r.courses[1].prerequisites == [])
        let got = reasons(r)
        #expect(got.count == 8, "\(got)")
        #expect(got[0] == "block 0 record 3 language language: 'x_y' is not a language tag (1-35 of A-Z a-z 0-9 -)")
        #expect(got[1] == "block 0 record 4 categories categories: 65 entries; at most 64")
        #expect(got[2].hasPrefix("block 0 record 5 published_at published_at: ") && got[2].hasSuffix("is outside the years 1970–2200"))
        // Milliseconds that overflow microseconds saturate, then fail the range check.
        #expect(got[3].hasPrefix("block 0 record 6 expires_at expires_at: ") && got[3].contains("(9223372036854775807 µs)"))
        #expect(got[4] == "block 0 record 7 expires_at expires_at: 2025-06-01T00:00:00Z is not after published_at (2026-06-01T00:00:00Z)")
        #expect(got[5] == "block 0 record 8 prerequisites prerequisites: 'b6' is the course itself")
        #expect(got[6] == "block 0 record 9 prerequisites prerequisites: 65 entries; at most 64")
        #expect(got[7].hasPrefix("block 0 record 10 published_at published_at: ") && got[7].contains("(-9223372036854775808 µs)"))
        // The refused rows' raw text renders the out-of-range timestamps as numbers.
        #expect(r.quarantined[2].raw.contains("\"published_at\":9223372036854775807"))
    }
}
