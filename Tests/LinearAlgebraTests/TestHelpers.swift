import LearningEvents
import LinearAlgebra

/// A small deterministic generator (LearningEvents' SplitMix64) so failures reproduce.
struct TestRNG {
    private var generator: SplitMix64
    init(_ seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) * 2 - 1 }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

func randomMatrix<S: BLASScalar>(_ rows: Int, _ cols: Int, _ rng: inout TestRNG, as _: S.Type = S.self) -> Matrix<S> {
    Matrix(rows: rows, columns: cols) { _, _ in S(rng.uniform()) }
}

func randomVector<S: BLASScalar>(_ n: Int, _ rng: inout TestRNG, as _: S.Type = S.self) -> [S] {
    (0..<n).map { _ in S(rng.uniform()) }
}

func naiveMatmul<S: BLASScalar>(_ a: Matrix<S>, _ b: Matrix<S>, _ ta: Bool, _ tb: Bool) -> Matrix<S> {
    let oa = ta ? a.transposed() : a, ob = tb ? b.transposed() : b
    var c = Matrix<S>(rows: oa.rows, columns: ob.columns)
    for i in 0..<oa.rows {
        for j in 0..<ob.columns {
            var s: Double = 0
            for k in 0..<oa.columns { s += Double(oa[i, k]) * Double(ob[k, j]) }
            c[i, j] = S(s)
        }
    }
    return c
}

func maxAbsDiff<S: BLASScalar>(_ x: [S], _ y: [S]) -> Double {
    guard x.count == y.count else { return .infinity }
    return zip(x, y).map { abs(Double($0) - Double($1)) }.max() ?? 0
}

/// Shapes that matter: empty, 1×N, N×1, square, non-square.
let testShapes: [(Int, Int, Int)] = [
    (0, 0, 0), (0, 3, 2), (3, 0, 2), (2, 3, 0), (1, 1, 1), (1, 7, 5), (7, 1, 5), (5, 7, 1), (6, 6, 6), (13, 4, 9),
    (33, 17, 64),
]
