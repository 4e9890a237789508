/// A small, fast, seedable generator (SplitMix64, Steele et al. 2014): the generator's only randomness, so the same
/// seed always gives the same export.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator seeded with `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator for a sub-stream (tenant, learner…): independent of the order things are generated in.
    public init(seed: UInt64, _ a: UInt64, _ b: UInt64 = 0) {
        var s = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        state = s.next() ^ (a &* 0xBF58_476D_1CE4_E5B9)
        state = next() ^ (b &* 0x94D0_49BB_1331_11EB)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in 0..<n.
    public mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    /// Exponential with mean `mean`.
    public mutating func exponential(mean: Double) -> Double { -mean * log(1 - uniform()) }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * uniform())
    }

    /// Poisson with mean `lambda` (Knuth; small means only).
    public mutating func poisson(_ lambda: Double) -> Int {
        let l = exp(-lambda)
        var k = 0
        var p = 1.0
        repeat {
            k += 1
            p *= uniform()
        } while p > l && k < 100
        return k - 1
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
