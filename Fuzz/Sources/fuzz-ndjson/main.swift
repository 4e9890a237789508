import EventSources
import FuzzSupport
import LearningEvents

/// NDJSON events. A one-line input is also read as a single event (`RawLearningEvent(jsonObject:)` then
/// `LearningEvent(validating:)`, the Pub/Sub path): both paths must give the same verdict.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ input: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let data = input ?? UnsafePointer(bitPattern: 1)!
    let path = FuzzInput.file(data, size, name: "input.json")
    FuzzInput.readEvents(path, size: size)
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard !bytes.contains(0x0a), !bytes.contains(0x0d), bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return 0 }
    let single: String
    do {
        let e = try LearningEvent(validating: RawLearningEvent(jsonObject: bytes))
        single = "event \(e.eventID)"
    } catch let error as MalformedRecord {
        single = error.reason
    } catch {
        single = "\(error)"
    }
    FuzzInput.blocking {
        var verdict: String?
        do {
            for try await record in ExportSource([path], limits: FuzzInput.limits).records() {
                switch record {
                case .event(let e, _, _): verdict = "event \(e.eventID)"
                case .quarantined(let q): verdict = q.reason
                case .fileFailed: break
                }
            }
        } catch {
            preconditionFailure("\(error)")
        }
        // No verdict: the line's keys made it another table (skipped), or it was too long to read.
        if let verdict { precondition(verdict == single, "reader: \(verdict); single event: \(single)") }
    }
    return 0
}

fuzzMain(fuzzNDJSON)
