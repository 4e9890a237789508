import LinearAlgebra
import LearningEvents
@testable import Models

/// Small planted-structure data: learners belong to one of `topics` groups and interact mostly with that group's
/// courses, with a few random ones.
func plantedInteractions(learners: Int = 60, courses: Int = 24, topics: Int = 3, perLearner: Int = 6,
                         seed: UInt64 = 7) throws -> (Interactions, [Interaction]) {
    var rng = SplitMix64(seed: seed)
    var list: [Interaction] = []
    let perTopic = courses / topics
    for u in 0..<learners {
        let topic = u % topics
        var chosen = Set<Int>()
        while chosen.count < perLearner {
            let c = rng.uniform() < 0.85 ? topic * perTopic + Int(rng.next() % UInt64(perTopic))
                                           : Int(rng.next() % UInt64(courses))
            chosen.insert(c)
        }
        for c in chosen.sorted() {
            list.append(Interaction(learner: u, course: c, weight: Float(1 + rng.next() % 4), time: Double(u * 10 + c)))
        }
    }
    let data = try Interactions(triplets: list.map { ($0.learner, $0.course, $0.weight) },
                                learnerCount: learners, courseCount: courses)
    return (data, list)
}

func smallConfig(_ solver: ALSSolverKind = .cholesky, factors: Int = 4, iterations: Int = 4) -> ALSConfiguration {
    var c = ALSConfiguration()
    c.factors = factors
    c.iterations = iterations
    c.regularization = 0.1
    c.alpha = 2
    c.solver = solver
    c.threads = 2
    c.blockSize = 7
    return c
}

func maxAbsDiff(_ a: [Float], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
}

/// Logistic data with a known generating model.
func logisticData(rows: Int, seed: UInt64 = 3) -> (Matrix<Float>, [Float]) {
    var rng = SplitMix64(seed: seed)
    let w: [Double] = [1.5, -2, 0.5, 0]
    var x = Matrix<Float>(rows: rows, columns: 4)
    var y = [Float](repeating: 0, count: rows)
    for i in 0..<rows {
        var z = -0.5
        for j in 0..<4 {
            let v = rng.normal() * Double(j + 1) + Double(j)
            x[i, j] = Float(v)
            z += w[j] * (v - Double(j)) / Double(j + 1)
        }
        y[i] = rng.uniform() < 1 / (1 + mathExp(-z)) ? 1 : 0
    }
    return (x, y)
}

/// Person-period rows of enrolments followed week by week with two competing hazards, `hd = σ(−2.5 + 0.8·x₀ + 0.1·s)`
/// and `hc = σ(−2 − 0.6·x₀ + 0.5·x₁)`, observed for `followUp` weeks (then censored). Columns: x₀, x₁, then the four
/// time-basis columns (weeks since the features = s, week of enrolment = s). Also returns each enrolment's
/// features and its outcome simulated to the end (`true` = dropout), for checks against the truth.
func survivalData(enrolments: Int, followUp: Int, seed: UInt64 = 5)
    -> (rows: Matrix<Float>, dropout: [Float], completion: [Float], features: [[Double]], eventual: [Bool])
{
    var rng = SplitMix64(seed: seed)
    let basis = SurvivalTimeBasis()
    var x: [Float] = [], d: [Float] = [], c: [Float] = []
    var features: [[Double]] = [], eventual: [Bool] = []
    for _ in 0..<enrolments {
        let f = [rng.normal(), rng.normal()]
        features.append(f)
        var outcome: Bool? = nil
        var s = 0
        while outcome == nil {
            let hd = 1 / (1 + mathExp(-(-2.5 + 0.8 * f[0] + 0.1 * Double(min(s, 12))))), hc = 1 / (1 + mathExp(-(-2 - 0.6 * f[0] + 0.5 * f[1])))
            let u = rng.uniform()
            let dropped = u < hd, completed = !dropped && u < hd + hc
            if s < followUp {
                x += f.map(Float.init) + basis.values(weeksSince: Double(s), weekOfEnrolment: Double(s)).map(Float.init)
                d.append(dropped ? 1 : 0)
                c.append(completed ? 1 : 0)
            }
            if dropped { outcome = true } else if completed { outcome = false }
            s += 1
        }
        eventual.append(outcome!)
    }
    return (try! Matrix<Float>(rows: d.count, columns: 6, elements: x), d, c, features, eventual)
}
