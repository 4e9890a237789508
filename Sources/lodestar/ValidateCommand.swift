import ArgumentParser
import EventSources
import LearningEvents

/// `lodestar validate PATH…`: streams the files and reports what is in them and what is wrong.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read exports (files, folders, globs, gs://) and report rows, counts and bad rows; non-zero exit if any is bad.")

    @Argument(help: "Files, folders, globs (quote them) or gs://bucket/prefix*") var paths: [String]
    @Option(help: "How many bad rows to print.") var show: Int = 10
    @Option(help: "Write every quarantined row to this NDJSON file.") var quarantine: String?

    func run() async throws {
        let source = ExportSource(paths)
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
        do {
            for try await batch in source.batches() {
                symbols.absorb(batch)
                files.insert(batch.file)
                rows += batch.count + batch.quarantined.count
                valid += batch.count
                for t in batch.tenants { perTenant[t, default: 0] += 1 }
                for t in batch.types { perType[Int(t.rawValue)] += 1 }
                for q in batch.quarantined {
                    badRows += 1
                    try sink?.write(q)
                    if bad.count < show { bad.append("  \(q.source): \(q.position): \(q.reason)\n      \(q.raw.prefix(200))") }
                }
                if let f = batch.failure { failures.append(f) }
            }
        } catch {
            print("error: \(error)")
            throw ExitCode(2)
        }
        try sink?.flush()
        print("files read:  \(files.count)")
        print("rows read:   \(rows)")
        print("rows valid:  \(valid)")
        print("rows bad:    \(badRows)")
        print("per tenant:")
        for (t, n) in perTenant.sorted(by: { (symbols[$0.key] ?? "") < (symbols[$1.key] ?? "") }) {
            print("  \(symbols[t] ?? "?"): \(n)")
        }
        print("per event type:")
        for t in EventType.allCases where perType[Int(t.rawValue)] > 0 { print("  \(t.name): \(perType[Int(t.rawValue)])") }
        if !bad.isEmpty {
            print("first bad rows:")
            for b in bad { print(b) }
        }
        if let sink { print("quarantined rows written to \(sink.path)") }
        for f in failures { print("file failed: \(f)") }
        if badRows > 0 || !failures.isEmpty { throw ExitCode(1) }
    }
}
