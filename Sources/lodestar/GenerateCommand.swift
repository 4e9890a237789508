import ArgumentParser
import EventSources
import SampleData

/// `lodestar generate`: a realistic, deterministic multi-tenant export plus courses and ground truth.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a sample BigQuery-style export (events, courses, truth.ndjson), deterministic per seed.")

    @Option(help: "Number of tenants.") var tenants: Int = 8
    @Option(help: "Learners over all tenants (split by Zipf weights).") var learners: Int = 2000
    @Option(help: "avro | ndjson | csv") var format: String = "avro"
    @Option(help: "Avro codec: deflate | snappy | null") var codec: String = "deflate"
    @Flag(help: "gzip JSON/CSV files (.gz)") var gzip = false
    @Option(help: "Output folder (created if missing).") var out: String
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Rows per shard file.") var rowsPerFile: Int = 1_000_000

    func run() async throws {
        guard let fmt = ExportFormat(rawValue: format) else { throw ValidationError("--format must be avro, ndjson or csv") }
        guard let c = EventWriter.AvroCodec(rawValue: codec) else { throw ValidationError("--codec must be deflate, snappy or null") }
        guard tenants >= 1, learners >= 1 else { throw ValidationError("--tenants and --learners must be positive") }
        let gen = Generator(config: GeneratorConfig(tenants: tenants, learners: learners, seed: seed))
        let s = try gen.run(directory: out, format: fmt, codec: c, gzip: gzip, rowsPerFile: rowsPerFile)
        let rate = s.enrolments > 0 ? Double(s.dropped) / Double(s.enrolments) : 0
        print("wrote \(s.events) events, \(s.learners) learners, \(s.courses) courses, \(s.enrolments) enrolments "
              + "(\(Int((rate * 100).rounded()))% withdrawn) to \(out):")
        for f in s.files { print("  \(f)") }
    }
}
