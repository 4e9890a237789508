import EventSources
import Foundation
import LodestarTestSupport
import Testing

/// Seeded mutations of valid Avro and NDJSON files: the decoders never crash or hang, and every row they return is
/// either an event or a quarantined record (a file may fail).
@Suite struct MutationTests {
    struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    func mutate(_ input: [UInt8], _ rng: inout Rng) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + rng.below(6)) {
            switch rng.below(5) {
            case 0: b[rng.below(b.count)] ^= UInt8(1 << rng.below(8))
            case 1: b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 2: b.removeLast(rng.below(b.count / 2))
            case 3:
                let at = rng.below(b.count)
                b.insert(contentsOf: [0xff, 0xff, 0xff, 0xff, 0x7f].prefix(1 + rng.below(5)), at: at)
            default:
                let at = rng.below(b.count)
                let n = min(b.count - at, 1 + rng.below(32))
                for k in 0..<n { b[at + k] = 0 }
            }
            if b.count < 8 { break }
        }
        return b
    }

    func run(file: String, ext: String, seed: UInt64, iterations: Int) async throws {
        let input = try readBytes(try await Fixtures.shared.folder() + "/" + file)
        let dir = try tempDir("mutation")
        var rng = Rng(s: seed)
        var outcomes = [0, 0]
        for k in 0..<iterations {
            let path = "\(dir)/m\(k).\(ext)"
            try write(mutate(input, &rng), to: path)
            let r = try await readAll([path])
            #expect(r.events.count + r.quarantined.count <= 520)
            outcomes[r.failures.isEmpty ? 0 : 1] += 1
            try? FileManager.default.removeItem(atPath: path)
        }
        #expect(outcomes[0] + outcomes[1] == iterations)
    }

    @Test(.timeLimit(.minutes(1))) func avroDeflate() async throws {
        try await run(file: "events-deflate.avro", ext: "avro", seed: 1, iterations: 150)
    }

    @Test(.timeLimit(.minutes(1))) func avroNull() async throws {
        try await run(file: "events-null.avro", ext: "avro", seed: 2, iterations: 150)
    }

    @Test(.timeLimit(.minutes(1))) func avroSnappy() async throws {
        try await run(file: "events-snappy.avro", ext: "avro", seed: 3, iterations: 150)
    }

    @Test(.timeLimit(.minutes(1))) func ndjson() async throws {
        try await run(file: "events.json", ext: "json", seed: 4, iterations: 150)
    }

    @Test(.timeLimit(.minutes(1))) func csv() async throws {
        try await run(file: "events.csv", ext: "csv", seed: 5, iterations: 100)
    }
}
