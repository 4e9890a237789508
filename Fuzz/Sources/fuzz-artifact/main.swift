import FuzzSupport
import Models

/// Model artifacts read back (`ALSModel(artifact:)`, `LogisticRegressionModel(artifact:)`, `RiskModel(artifact:)`),
/// then used a little. A risk model that loads names each feature once (serving keys inputs by name).
/// Each input is tried as it is and with its checksum recomputed, so that mutations reach the metadata and shape
/// checks behind the checksum.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArtifact(_ input: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let data = input ?? UnsafePointer(bitPattern: 1)!
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    load(bytes)
    if size >= 8 {
        var fixed = bytes
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in fixed[..<(size - 8)] {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        for i in 0..<8 { fixed[size - 8 + i] = UInt8(truncatingIfNeeded: h >> (8 * UInt64(i))) }
        load(fixed)
    }
    return 0
}

func load(_ bytes: [UInt8]) {
    if let m = try? ALSModel(artifact: bytes) {
        let learners = Array(0..<min(m.learners.count, 4))
        _ = try? m.recommend(learners: learners, k: 3, threads: 1)
        if m.courses.count > 0 { _ = try? m.similarCourses(to: 0, k: 3) }
        _ = try? m.popularCourses(k: 3)
        if let again = try? m.artifact() { precondition((try? ALSModel(artifact: again)) != nil, "round trip failed") }
    }
    if let m = try? RiskModel(artifact: bytes) {
        precondition(Set(m.featureNames).count == m.featureNames.count, "a feature named twice loaded: \(m.featureNames)")
        _ = try? m.predict([Double](repeating: 1, count: m.featureNames.count))
        if let again = try? m.artifact() { precondition((try? RiskModel(artifact: again)) != nil, "round trip failed") }
    }
    if let m = try? LogisticRegressionModel(artifact: bytes) {
        precondition(Set(m.featureNames).count == m.featureNames.count, "a feature named twice loaded: \(m.featureNames)")
        _ = try? m.predict([Double](repeating: 0, count: m.featureCount))
        if let again = try? m.artifact() {
            precondition((try? LogisticRegressionModel(artifact: again)) != nil, "round trip failed")
        }
    }
}

fuzzMain(fuzzArtifact)
