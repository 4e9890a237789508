import Dispatch
import EventSources
import Foundation
import LearningEvents

/// What every reader fuzz target does with one input: write it to a file (the readers' public path, from the
/// extension check and magic bytes on), read it to the end, and check what came out.
public enum FuzzInput {
    /// A per-process scratch folder (tmpfs when there is one).
    static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = "\(base)/lodestar-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// Small limits, so that the caps themselves are reached within fuzz-sized inputs.
    public static let limits = ReaderLimits(maxQuarantinedRowsPerFile: 50, maxRecordBytes: 4096, maxZeroByteRecords: 64)

    /// Writes `data` to a file named `name` in the scratch folder and returns its path.
    public static func file(_ data: UnsafePointer<UInt8>, _ size: Int, name: String) -> String {
        let path = folder + "/" + name
        // Plain write(2): FileManager writes atomically (temp file, fsync, rename), 10× slower per input.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot write \(path)")
        var done = 0
        while done < size {
            let n = write(fd, data + done, size - done)
            precondition(n > 0, "cannot write \(path)")
            done += n
        }
        close(fd)
        return path
    }

    /// Runs `body` to completion from the (non-async) fuzzer callback.
    public static func blocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        done.wait()
    }

    /// Reads `path` as events: every row is an event or a quarantined record, every accepted event passes the
    /// single-event rules too (the two paths of the one rule table agree), and no more rows come out than bytes
    /// went in.
    public static func readEvents(_ path: String, size: Int) {
        blocking {
            var rows = 0
            var symbols = SymbolTable()
            do {
                for try await batch in ExportSource([path], batchSize: 16, limits: limits).batches() {
                    symbols.absorb(batch)
                    rows += batch.count + batch.quarantined.count
                    for i in 0..<batch.count {
                        let e = batch.event(at: i, symbols: symbols)
                        check(e)
                    }
                    precondition(batch.quarantined.count <= limits.maxQuarantinedRowsPerFile)
                }
            } catch {
                // A location that names nothing: not reachable for an existing file.
                preconditionFailure("\(error)")
            }
            precondition(rows <= size + limits.maxZeroByteRecords, "\(rows) rows from \(size) bytes")
        }
    }

    /// Reads `path` as the course catalog.
    public static func readCourses(_ path: String) {
        blocking {
            do {
                let r = try await CourseSource([path], limits: limits).read()
                precondition(r.quarantined.count <= limits.maxQuarantinedRowsPerFile)
                for c in r.courses {
                    precondition(Identifier.isValid(c.tenantID) && Identifier.isValid(c.courseID))
                    // The catalog rules hold for every accepted row.
                    precondition(c.language.map(Course.isLanguageTag) ?? true)
                    precondition(c.categories.count <= Course.maxCategories && c.categories.allSatisfy { Identifier.isValid($0) })
                    precondition(c.prerequisites.count <= Course.maxPrerequisites && c.prerequisites.allSatisfy { Identifier.isValid($0) })
                    precondition(!c.prerequisites.contains(c.courseID))
                    for t in [c.publishedAt, c.expiresAt] {
                        if let t { precondition(t >= EventRules.earliestOccurredAt && t <= EventRules.latestOccurredAt) }
                    }
                    if let p = c.publishedAt, let e = c.expiresAt { precondition(e > p) }
                }
            } catch {
                preconditionFailure("\(error)")
            }
        }
    }

    /// An accepted event passes ``LearningEvent/init(validating:)`` unchanged.
    static func check(_ e: LearningEvent) {
        var raw = RawLearningEvent()
        raw.eventID = .text(e.eventID)
        raw.tenantID = .text(e.tenantID)
        raw.orgID = e.orgID.map(RawValue.text) ?? .null
        raw.learnerID = .text(e.learnerID)
        raw.courseID = .text(e.courseID)
        raw.lessonID = e.lessonID.map(RawValue.text) ?? .null
        raw.eventType = .text(e.type.name)
        raw.occurredAt = .timestampMicros(e.occurredAt)
        raw.durationSeconds = e.durationSeconds.map(RawValue.int) ?? .null
        raw.score = e.score.map(RawValue.double) ?? .null
        do {
            let again = try LearningEvent(validating: raw)
            precondition(again == e, "single-event path changed \(e)")
        } catch {
            preconditionFailure("reader accepted what the single-event path refuses: \(error) for \(e)")
        }
    }
}
