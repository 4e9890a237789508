import Foundation
import MongoStore
import Scheduler

extension APIFixture {
    /// The job files of the job-route tests: a refresh over every tenant (its export does not exist: these runs are
    /// only queued, never carried out; default `max_queued` 3 and `data_scientist` limits), a no-op health job over
    /// every tenant, and one no-op job per tenant (these three with room for 100 triggered runs per tenant: the access
    /// matrix triggers them many times).
    static let jobFiles: [(String, String)] = [
        ("nightly-refresh.yaml", """
            name: nightly-refresh
            description: the nightly job
            kind: refresh
            schedule: "0 2 * * *"
            time_zone: Europe/Rome
            tenants: all
            source: /nonexistent/lodestar-export
            params: {factors: 16, iterations: 15}
            """),
        ("health.yaml", """
            name: health
            kind: noop
            schedule: "0 0 1 1 *"
            tenants: all
            retries: {max: 0}
            max_queued: 100
            """),
        ("only-a.yaml", """
            name: only-a
            kind: noop
            schedule: "0 0 1 1 *"
            tenants: [\(tenantA.rawValue)]
            max_queued: 100
            """),
        ("only-b.yaml", """
            name: only-b
            kind: noop
            schedule: "0 0 1 1 *"
            tenants: [\(tenantB.rawValue)]
            max_queued: 100
            """),
    ]

    /// The test job catalog.
    static func jobCatalog() throws -> JobCatalog {
        JobCatalog(jobs: try jobFiles.map { try JobFile.parse($0.1, file: $0.0) })
    }

    /// A `JobService` over the test catalog and a database of its own (each test's runs stay apart).
    func jobService() throws -> JobService {
        JobService(catalog: try Self.jobCatalog(), db: client.database("apijobs_\(UInt32.random(in: 0...UInt32.max))"))
    }
}
