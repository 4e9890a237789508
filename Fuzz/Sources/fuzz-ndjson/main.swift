import EventSources
import FuzzSupport
import LearningEvents

/// NDJSON events. A one-line input is also read as a single event (`RawLearningEvent(jsonObject:)` then
/// `LearningEvent(validating:)`, the Pub/Sub path): both paths must give the same verdict. Such an input has no line
/// break, so when it cannot be read at all the reader fails the file as truncated (with the same reason) instead.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ input: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let data = input ?? UnsafePointer(bitPattern: 1)!
    let path = FuzzInput.file(data, size, name: "input.json")
    FuzzInput.readEvents(path, size: size)
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard !bytes.contains(0x0a), !bytes.contains(0x0d), bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return 0 }
    let single: String
    var malformed = false
    do {
        let e = try LearningEvent(validating: RawLearningEvent(jsonObject: bytes))
        single = "event \(e.eventID)"
    } catch let error as MalformedRecord {
        single = error.reason
        malformed = true
    } catch {
        single = "\(error)"
    }
    let unreadable = malformed
    FuzzInput.blocking {
        var verdict: String?
        var failure: SourceFileError?
        do {
            for try await record in ExportSource([path], limits: FuzzInput.limits).records() {
                switch record {
                case .event(let e, _, _): verdict = "event \(e.eventID)"
                case .quarantined(let q): verdict = q.reason
                case .fileFailed(let f): failure = f
                }
            }
        } catch {
            preconditionFailure("\(error)")
        }
        if unreadable {
            // The input is a last line without a line break that cannot be read: a file cut there. It fails the
            // file (never a row), with the single-event path's reason; or its keys made it another table (skipped).
            precondition(verdict == nil, "an unreadable last line was read as a row: \(verdict ?? "")")
            if let failure, size <= FuzzInput.limits.maxRecordBytes {
                precondition(
                    failure.message.contains("file is truncated") && failure.message.contains(single),
                    "reader: \(failure); single event: \(single)")
            }
        } else {
            // A readable line: the same verdict on both paths. No verdict: the line's keys made it another table
            // (skipped), or it was too long to read.
            precondition(failure == nil || size > FuzzInput.limits.maxRecordBytes, "reader failed: \(failure!)")
            if let verdict { precondition(verdict == single, "reader: \(verdict); single event: \(single)") }
        }
    }
    return 0
}

fuzzMain(fuzzNDJSON)
