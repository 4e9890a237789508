import Foundation
import MongoStore
import Testing
@testable import Scheduler

/// Attempt outcomes are compared by type (`AttemptOutcome`), and the stored text stays what it was.
@Suite struct AttemptOutcomeTests {
    @Test func theStoredTextIsUnchangedAndReadsBackTyped() throws {
        #expect(AttemptOutcome.allCases.map(\.rawValue) == ["succeeded", "failed", "cancelled", "lease lost", "timed out", "interrupted"])
        let stored: BSONDocument = ["attempt": .int64(1), "owner": "host:1:a", "started_at": .date(Date(timeIntervalSince1970: 0)),
                                    "outcome": "lease lost", "error": "the owner stopped renewing"]
        let record = try BSONDecoder().decode(AttemptRecord.self, from: stored)
        #expect(record.result == .leaseLost && record.result?.usesARetry == false)
        var other = record
        other.outcome = "lease was lost somehow"
        #expect(other.result == nil)  // no text matching: only the exact stored value is a lost lease
        #expect(AttemptOutcome.failed.usesARetry && AttemptOutcome.timedOut.usesARetry && !AttemptOutcome.cancelled.usesARetry)
    }
}
