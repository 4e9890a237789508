// The few libm functions Models needs, without Foundation (Models stays pure).
#if canImport(Glibc)
import Glibc
@inline(__always) func mathLog(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func mathLog2(_ x: Double) -> Double { Glibc.log2(x) }
@inline(__always) func mathLog1p(_ x: Double) -> Double { Glibc.log1p(x) }
@inline(__always) func mathCos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) func mathExp(_ x: Double) -> Double { Glibc.exp(x) }
@inline(__always) func mathPow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func mathLog(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) func mathLog2(_ x: Double) -> Double { Darwin.log2(x) }
@inline(__always) func mathLog1p(_ x: Double) -> Double { Darwin.log1p(x) }
@inline(__always) func mathCos(_ x: Double) -> Double { Darwin.cos(x) }
@inline(__always) func mathExp(_ x: Double) -> Double { Darwin.exp(x) }
@inline(__always) func mathPow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
