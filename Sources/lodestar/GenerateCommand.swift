import ArgumentParser
import EventSources
import LearningEvents
import SampleData

/// `lodestar generate`: a realistic, deterministic multi-tenant snapshot export (events, courses) plus ground truth.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a sample BigQuery export as of an export date (OUT/events/, OUT/courses/, OUT/truth.ndjson), deterministic per seed.")

    @Option(help: "Number of tenants.") var tenants: Int = 8
    @Option(help: "Learners over all tenants (split by Zipf weights).") var learners: Int = 2000
    @Option(help: "avro | ndjson | csv") var format: String = "avro"
    @Option(help: "Avro codec: deflate | snappy | null") var codec: String = "deflate"
    @Flag(help: "gzip JSON/CSV files (.gz)") var gzip = false
    @Option(help: "Output folder (created if missing).") var out: String
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Rows per shard file.") var rowsPerFile: Int = 1_000_000
    @Option(help: "The day the snapshot is taken (YYYY-MM-DD, 00:00 UTC): no event on or after it.")
    var exportDate: String = "2026-06-01"
    @Option(help: "Days before the export date over which enrolments arrive.") var historyDays: Int = 182

    func run() async throws {
        guard let fmt = ExportFormat(rawValue: format) else { throw ValidationError("--format must be avro, ndjson or csv") }
        guard let c = EventWriter.AvroCodec(rawValue: codec) else { throw ValidationError("--codec must be deflate, snappy or null") }
        guard (1...10_000).contains(tenants), (1...100_000_000).contains(learners) else {
            throw ValidationError("--tenants must be 1…10000 and --learners 1…100000000")
        }
        guard (1...100_000_000).contains(rowsPerFile) else { throw ValidationError("--rows-per-file must be 1…100000000") }
        guard (1...3650).contains(historyDays) else { throw ValidationError("--history-days must be 1…3650") }
        guard exportDate.utf8.count == 10, let date = Timestamp.parse(exportDate + " 00:00:00 UTC"),
              (Timestamp.daysFromCivil(year: 1980, month: 1, day: 1)...Timestamp.daysFromCivil(year: 2190, month: 1, day: 1))
                  .contains(date / Timestamp.microsPerDay)
        else { throw ValidationError("--export-date must be a day YYYY-MM-DD between 1980 and 2190") }
        var config = GeneratorConfig(tenants: tenants, learners: learners, seed: seed)
        config.exportDate = date
        config.historyDays = historyDays
        let s = try Generator(config: config).run(directory: out, format: fmt, codec: c, gzip: gzip, rowsPerFile: rowsPerFile)
        func percent(_ n: Int) -> Int { s.enrolments > 0 ? Int((Double(n) * 100 / Double(s.enrolments)).rounded()) : 0 }
        print("wrote \(s.events) events, \(s.learners) learners, \(s.courses) courses, \(s.enrolments) enrolments "
              + "(\(percent(s.dropped))% end withdrawn, \(percent(s.inProgress))% in progress on \(exportDate)) to \(out):")
        for f in s.files { print("  \(f)") }
    }
}
