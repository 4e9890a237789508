#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, fast, seedable random generator (SplitMix64, Steele et al. 2014): the project's one source of reproducible
/// randomness (sample data, training splits, initial factors), so the same seed always gives the same result.
///
/// ```swift
/// var rng = SplitMix64(seed: 42)
/// let u = rng.uniform()          // in [0, 1)
/// let shuffled = items.shuffled(using: &rng)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator for a sub-stream (a tenant, a learner…) of `seed`: independent of the order in which other
    /// sub-streams are drawn.
    public init(seed: UInt64, _ a: UInt64, _ b: UInt64 = 0) {
        var s = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        state = s.next() ^ (a &* 0xBF58_476D_1CE4_E5B9)
        state = next() ^ (b &* 0x94D0_49BB_1331_11EB)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal value (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), 0x1.0p-53)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
