import LearningEvents
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The distributions the generator draws from, on top of ``SplitMix64``'s uniform and normal values.
extension SplitMix64 {
    /// Uniform integer in 0..<n.
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    /// Exponential with mean `mean`.
    mutating func exponential(mean: Double) -> Double { -mean * log(1 - uniform()) }

    /// `true` with probability `p`.
    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Poisson with mean `lambda` (Knuth; small means only).
    mutating func poisson(_ lambda: Double) -> Int {
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
