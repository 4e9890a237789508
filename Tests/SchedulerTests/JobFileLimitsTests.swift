import Foundation
import LodestarTestSupport
import Pipeline
import Testing
@testable import Scheduler

/// `max_queued` and `limits:` in job files.
@Suite struct JobFileLimitsTests {
    static let base = "name: x\nkind: refresh\nschedule: \"0 2 * * *\"\nsource: a\n"

    func error(_ yaml: String) -> JobFileError? {
        do { _ = try JobFile.parse(yaml, file: "jobs/x.yaml"); return nil } catch let e as JobFileError { return e } catch { return nil }
    }

    @Test func defaultsWithoutTheKeys() throws {
        let j = try JobFile.parse(Self.base, file: "f.yaml")
        #expect(j.maxQueued == 3)
        #expect(j.limits == .defaults)
        #expect(j.limits.byRole["data_scientist"] == ["factors": 128, "iterations": 50, "top_k": 100, "search_budget": 30])
        #expect(throws: SchedulerError.invalidParameter("search_budget", "search_budget=60 exceeds the data_scientist limit 30")) {
            try j.limits.check(["search_budget": "60"], access: .tenant("t"))
        }
        try j.limits.check(["search_budget": "60"], access: .platform)
        #expect(throws: SchedulerError.self) { try JobDefinition.validate(params: ["search_budget": "601"], kind: .refresh) }
        try JobDefinition.validate(params: ["search_budget": "12.5"], kind: .refresh)
    }

    @Test func fileValuesOverrideTheDefaultsPerParameter() throws {
        let j = try JobFile.parse(Self.base + """
            max_queued: 5
            limits:
              data_scientist: {factors: 256, regularization: 0.5}
            """, file: "f.yaml")
        #expect(j.maxQueued == 5)
        #expect(j.limits.byRole["data_scientist"] == ["factors": 256, "iterations": 50, "top_k": 100, "search_budget": 30,
                                                        "regularization": 0.5])
        #expect(throws: SchedulerError.invalidParameter("regularization", "regularization=0.75 exceeds the data_scientist limit 0.5")) {
            try j.limits.check(["regularization": "0.75", "factors": "200"], access: .tenant("t"))
        }
        try j.limits.check(["factors": "1024", "regularization": "9"], access: .platform)
    }

    @Test func shippedNightlyJobStatesItsQueueAndLimits() throws {
        let catalog = try JobCatalog.load(directory: TestEnvironment.packageRoot.appendingPathComponent("jobs").path)
        let nightly = try #require(catalog.job(named: "nightly-refresh"))
        #expect(nightly.maxQueued == 3)
        #expect(nightly.limits.byRole["data_scientist"]?["factors"] == 128)
    }

    @Test func errorsNameFileLineAndField() {
        var e = error(Self.base + "max_queued: 0\n")
        #expect(e?.file == "jobs/x.yaml" && e?.line == 5 && e?.field == "max_queued" && e?.message.contains("1…10000") == true)
        e = error(Self.base + "max_queued: lots\n")
        #expect(e?.line == 5 && e?.field == "max_queued")
        e = error(Self.base + "limits: 128\n")
        #expect(e?.line == 5 && e?.field == "limits")
        e = error(Self.base + "limits:\n  platform_admin: {factors: 10}\n")
        #expect(e?.line == 6 && e?.field == "limits.platform_admin" && e?.message.contains("full ranges") == true)
        e = error(Self.base + "limits:\n  intern: {factors: 10}\n")
        #expect(e?.line == 6 && e?.field == "limits.intern" && e?.message.contains("unknown role") == true)
        e = error(Self.base + "limits:\n  data_scientist: 10\n")
        #expect(e?.line == 6 && e?.field == "limits.data_scientist")
        e = error(Self.base + "limits:\n  data_scientist:\n    source: 3\n")
        #expect(e?.line == 7 && e?.field == "limits.data_scientist.source" && e?.message.contains("not a numeric parameter") == true)
        e = error(Self.base + "limits:\n  data_scientist:\n    factors: many\n")
        #expect(e?.line == 7 && e?.field == "limits.data_scientist.factors" && e?.message.contains("not a number") == true)
        e = error(Self.base + "limits:\n  data_scientist:\n    factors: 5000\n")
        #expect(e?.line == 7 && e?.field == "limits.data_scientist.factors" && e?.message.contains("1…1024") == true)
        e = error("name: x\nkind: noop\nschedule: \"0 2 * * *\"\nlimits: {data_scientist: {factors: 10}}\n")
        #expect(e?.line == 4 && e?.field == "limits.data_scientist.factors" && e?.message.contains("sleep_seconds") == true)
    }
}
