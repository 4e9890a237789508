import ArgumentParser
import EventSources
import LearningEvents

/// `lodestar validate PATH…`: streams the files and reports what is in them and what is wrong. Event tables and
/// course tables are told apart by their columns; both are checked.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read exports (files, folders, globs, gs://) and report rows, counts and bad rows; non-zero exit if any is bad.")

    @Argument(help: "Files, folders, globs (quote them) or gs://bucket/prefix*") var paths: [String]
    @Option(help: "How many bad rows to print.") var show: Int = 10
    @Option(help: "Write every quarantined row to this NDJSON file.") var quarantine: String?

    func validate() throws {
        guard show >= 0 else { throw ArgumentParser.ValidationError("--show must be ≥ 0") }
    }

    func run() async throws {
        let gcs = try Configuration().remoteStorage(for: paths).gcs
        let sink = try quarantine.map { try FileQuarantineSink(path: $0) }
        var symbols = SymbolTable()
        var rows = 0
        var valid = 0
        var perTenant: [UInt32: Int] = [:]
        var perType = [Int](repeating: 0, count: EventType.allCases.count)
        var bad: [String] = []
        var badRows = 0
        var failures: [SourceFileError] = []
        var files = Set<String>()
        var other: [SkippedTable] = []
        func note(_ q: QuarantinedRecord) throws {
            badRows += 1
            try sink?.write(q)
            if bad.count < show { bad.append("  \(q.source): \(q.position): \(q.reason)\n      \(q.raw.prefix(200))") }
        }
        let courses: CourseSource.Result
        do {
            for try await batch in ExportSource(paths, gcs: gcs).batches() {
                symbols.absorb(batch)
                if let skipped = batch.skipped {
                    if skipped.kind == .other { other.append(skipped) }
                    continue
                }
                files.insert(batch.file)
                rows += batch.count + batch.quarantined.count
                valid += batch.count
                for t in batch.tenants { perTenant[t, default: 0] += 1 }
                for t in batch.types { perType[Int(t.rawValue)] += 1 }
                for q in batch.quarantined { try note(q) }
                if let f = batch.failure { failures.append(f) }
            }
            courses = try await CourseSource(paths, gcs: gcs).read()
        } catch {
            print("error: \(error)")
            throw ExitCode(2)
        }
        for q in courses.quarantined { try note(q) }
        failures += courses.failures
        try sink?.flush()
        print("files read:  \(files.count) event files, \(courses.files.count) course files")
        print("rows read:   \(rows)")
        print("rows valid:  \(valid)")
        print("rows bad:    \(rows - valid)")
        print("per tenant:")
        for (t, n) in perTenant.sorted(by: { (symbols[$0.key] ?? "") < (symbols[$1.key] ?? "") }) {
            print("  \(symbols[t] ?? "?"): \(n)")
        }
        print("per event type:")
        for t in EventType.allCases where perType[Int(t.rawValue)] > 0 { print("  \(t.name): \(perType[Int(t.rawValue)])") }
        if !courses.files.isEmpty {
            print("courses:     \(courses.courses.count + courses.quarantined.count) rows, \(courses.courses.count) valid, "
                + "\(courses.quarantined.count) bad")
        }
        for s in other { print("skipped:     \(s)") }
        if !bad.isEmpty {
            print("first bad rows:")
            for b in bad { print(b) }
        }
        if let sink { print("quarantined rows written to \(sink.path)") }
        for f in failures { print("file failed: \(f)") }
        if badRows > 0 || !failures.isEmpty { throw ExitCode(1) }
    }
}
