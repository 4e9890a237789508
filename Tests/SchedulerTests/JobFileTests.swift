import Foundation
import LodestarTestSupport
import Pipeline
import Testing
@testable import Scheduler

@Suite struct JobFileTests {
    func error(_ yaml: String) -> JobFileError? {
        do { _ = try JobFile.parse(yaml, file: "jobs/x.yaml"); return nil } catch let e as JobFileError { return e } catch { return nil }
    }

    @Test func shippedJobFilesAreValid() throws {
        let catalog = try JobCatalog.load(directory: TestEnvironment.packageRoot.appendingPathComponent("jobs").path)
        let nightly = try #require(catalog.job(named: "nightly-refresh"))
        #expect(nightly.kind.name == "refresh" && nightly.schedule.expression.text == "0 2 * * *")
        #expect(nightly.schedule.zoneName == "Europe/Rome" && nightly.tenants == .all)
        #expect(nightly.params["source"] != nil && nightly.retries.maxRetries == 3 && nightly.missedRuns == .runOnce)
        let hourly = try #require(catalog.job(named: "hourly-risk"))
        #expect(hourly.kind.name == "score-risk")
    }

    @Test func fullFileReads() throws {
        let j = try JobFile.parse("""
            name: risk-eu
            kind: score-risk
            schedule: "*/30 6-22 * * mon-fri"
            time_zone: America/New_York
            tenants: [acme, globex]
            source: [gs://b/events-*.avro, /data/more]
            params: {horizon_days: 10, cutoff: "2026-04-01T00:00:00Z"}
            timeout: 45m
            retries: {max: 2, backoff: fixed, initial: 30s, jitter: false}
            missed_runs: skip
            priority: 3
            concurrency: 2
            history: {keep: 10, max_age: 7d}
            """, file: "f.yaml")
        #expect(j.tenants == .only(["acme", "globex"]))
        #expect(j.params["source"] == "gs://b/events-*.avro,/data/more" && j.params["horizon_days"] == "10")
        #expect(j.timeout == .seconds(2700) && j.retries == RetryPolicy(maxRetries: 2, backoff: .fixed, initial: .seconds(30), jitter: false))
        #expect(j.missedRuns == .skip && j.priority == 3 && j.concurrency == 2 && j.history == RetentionPolicy(keep: 10, maxAge: .seconds(604_800)))
    }

    @Test func errorsNameFileLineAndField() {
        let base = "name: x\nkind: refresh\nschedule: \"0 2 * * *\"\nsource: a\n"
        var e = error("name: x\nkind: refresh\nschedule: \"61 2 * * *\"\nsource: a\n")
        #expect(e?.file == "jobs/x.yaml" && e?.line == 3 && e?.field == "schedule" && e?.message.contains("61") == true)
        e = error("name: x\nkind: refreshh\nschedule: \"0 2 * * *\"\n")
        #expect(e?.line == 2 && e?.field == "kind" && e?.message.contains("unknown kind") == true)
        e = error(base + "time_zone: Europe/Roma\n")
        #expect(e?.line == 5 && e?.field == "time_zone")
        e = error(base + "timeout: soon\n")
        #expect(e?.line == 5 && e?.field == "timeout")
        e = error(base + "retries:\n  max: 2\n  initial: 1 minute\n")
        #expect(e?.line == 7 && e?.field == "retries.initial")
        e = error(base + "params:\n  factors: 16\n  flavour: vanilla\n")
        #expect(e?.line == 7 && e?.field == "params.flavour" && e?.message.contains("unknown parameter") == true)
        e = error("name: x\nkind: score-risk\nschedule: \"@hourly\"\nsource: a\nparams: {factors: 8}\n")
        #expect(e?.line == 5 && e?.field == "params.factors" && e?.message.contains("does not take") == true)
        e = error(base + "params: {factors: 0}\n")
        #expect(e?.field == "params.factors" && e?.message.contains("1…1024") == true)
        e = error("name: x\nkind: refresh\nschedule: \"@daily\"\n")
        #expect(e?.field == "source")
        e = error(base + "colour: blue\n")
        #expect(e?.line == 5 && e?.field == "colour")
        e = error(base + "tenants: [acme, ../etc]\n")
        #expect(e?.line == 5 && e?.field == "tenants")
        e = error("name: [x\n")
        #expect(e?.field == "-" && e?.message.contains("YAML") == true)
        e = error(base + "missed_runs: sometimes\n")
        #expect(e?.field == "missed_runs")
        #expect(error(base) == nil)
        #expect(error("name: n\nkind: noop\nschedule: \"@hourly\"\nparams: {sleep_seconds: 2.5}\n") == nil)
    }

    @Test func duplicateNamesInAFolderAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "name: same\nkind: noop\nschedule: \"@daily\"\n"
        try text.write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try text.write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: JobFileError.self) { try JobCatalog.load(directory: dir.path) }
    }
}
