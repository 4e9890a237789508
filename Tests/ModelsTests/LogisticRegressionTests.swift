import Testing
import LinearAlgebra
@testable import Models

@Suite("logistic regression")
struct LogisticRegressionTests {
    /// The optimum by plain gradient descent on the same standardised objective, in Double, for many steps.
    func gradientDescentOptimum(_ x: Matrix<Float>, _ y: [Float], l2: Double, weights: (Double, Double) = (1, 1))
        -> [Double]
    {
        let n = x.rows, d = x.columns
        let cols = (0..<d).map { j in (0..<n).map { Double(x[$0, j]) } }
        let means = cols.map { $0.reduce(0, +) / Double(n) }
        let stds = (0..<d).map { j in (cols[j].reduce(0) { $0 + ($1 - means[j]) * ($1 - means[j]) } / Double(n)).squareRoot() }
        let p = d + 1
        var z = [Double](repeating: 1, count: n * p)  // row-major, last column the intercept's 1
        for i in 0..<n { for j in 0..<d { z[i * p + j] = (cols[j][i] - means[j]) / stds[j] } }
        let sampleWeight = y.map { $0 == 1 ? weights.1 : weights.0 }
        var theta = [Double](repeating: 0, count: p)
        let rate = 4.0 / Double(n)
        z.withUnsafeBufferPointer { zb in
            for _ in 0..<6000 {
                var g = [Double](repeating: 0, count: p)
                for i in 0..<n {
                    var s = 0.0
                    for j in 0..<p { s += theta[j] * zb[i * p + j] }
                    let r = sampleWeight[i] * (LogisticMath.sigmoid(s) - Double(y[i]))
                    for j in 0..<p { g[j] += r * zb[i * p + j] }
                }
                for j in 0..<d { g[j] += l2 * theta[j] }
                for j in 0..<p { theta[j] -= rate * g[j] }
            }
        }
        return theta
    }

    @Test("Newton reaches the optimum found by long gradient descent", arguments: [0.0, 5.0])
    func knownOptimum(l2: Double) throws {
        let (x, y) = logisticData(rows: 400)
        var config = LogisticRegressionConfiguration()
        config.l2 = l2
        config.blockSize = 64
        let model = try LogisticRegression.fit(features: x, labels: y, configuration: config)
        let optimum = gradientDescentOptimum(x, y, l2: l2)
        for j in 0..<4 { #expect(abs(model.weights[j] - optimum[j]) < 2e-3, "w\(j) \(model.weights[j]) vs \(optimum[j])") }
        #expect(abs(model.intercept - optimum[4]) < 2e-3)
        #expect(model.objectiveHistory.count >= 2)
        for (a, b) in zip(model.objectiveHistory, model.objectiveHistory.dropFirst()) { #expect(b <= a + 1e-9) }
    }

    @Test("a fit on a subset of rows equals the fit on a copy of those rows, bit for bit; bad subsets are typed errors")
    func rowSubset() throws {
        let (x, y) = logisticData(rows: 400)
        var config = LogisticRegressionConfiguration()
        config.blockSize = 37  // blocks that do not divide the subset
        let rows = (0..<x.rows).filter { $0 % 5 != 2 }
        var copied: [Float] = []
        for i in rows { copied += x.elements[(i * x.columns)..<((i + 1) * x.columns)] }
        let copy = try LogisticRegression.fit(features: try Matrix(rows: rows.count, columns: x.columns, elements: copied),
                                              labels: rows.map { y[$0] }, configuration: config)
        let inPlace = try LogisticRegression.fit(features: x, labels: rows.map { y[$0] }, configuration: config, rows: rows)
        #expect(inPlace == copy)
        #expect(throws: ModelsError.self) { try LogisticRegression.fit(features: x, labels: [1, 0], configuration: config, rows: [0, x.rows]) }
        #expect(throws: ModelsError.self) { try LogisticRegression.fit(features: x, labels: [1], configuration: config, rows: [0, 1]) }
    }

    @Test("rows that share stored values (DesignRows) fit bit for bit as their dense copy, subsets too; bad references are typed errors")
    func sharedRows() throws {
        let (x, y) = logisticData(rows: 400)
        // Features 0–1 shared: every stored pair serves 1–3 rows; features 2–3 are each row's own.
        var shared: [Float] = [], sharedRow: [Int32] = [], own: [Float] = [], dense: [Float] = []
        var stored = -1
        for i in 0..<x.rows {
            if i % 3 == 0 || stored < 0 {
                // A pair of stored values reused by the next rows (their labels still differ).
                shared += [x[i, 0], x[i, 1]]
                stored += 1
            }
            sharedRow.append(Int32(stored))
            own += [x[i, 2], x[i, 3]]
            dense += [shared[2 * stored], shared[2 * stored + 1], x[i, 2], x[i, 3]]
        }
        let design = try DesignRows(shared: Matrix(rows: stored + 1, columns: 2, elements: shared), sharedRow: sharedRow,
                                    own: Matrix(rows: x.rows, columns: 2, elements: own))
        let denseX = try Matrix(rows: x.rows, columns: 4, elements: dense)
        #expect(design.rows == x.rows && design.columns == 4)
        #expect(design.dense() == denseX)
        var config = LogisticRegressionConfiguration()
        config.blockSize = 37
        let fromDense = try LogisticRegression.fit(features: denseX, labels: y, configuration: config)
        let fromShared = try LogisticRegression.fit(design: design, labels: y, configuration: config)
        #expect(fromShared == fromDense)
        let rows = (0..<x.rows).filter { $0 % 4 != 1 }
        #expect(try LogisticRegression.fit(design: design, labels: rows.map { y[$0] }, configuration: config, rows: rows)
                == LogisticRegression.fit(features: denseX, labels: rows.map { y[$0] }, configuration: config, rows: rows))
        #expect(throws: ModelsError.self) {
            try DesignRows(shared: Matrix(rows: 2, columns: 2, elements: [0, 1, 2, 3]), sharedRow: [0, 2], own: Matrix(rows: 2, columns: 1, elements: [0, 1]))
        }
        #expect(throws: ModelsError.self) {
            try DesignRows(shared: Matrix(rows: 2, columns: 2, elements: [0, 1, 2, 3]), sharedRow: [0], own: Matrix(rows: 2, columns: 1, elements: [0, 1]))
        }
        #expect(throws: ModelsError.self) {
            try LogisticRegression.fit(design: DesignRows(shared: Matrix(rows: 1, columns: 2, elements: [0, .nan]), sharedRow: [0],
                                                          own: Matrix(rows: 1, columns: 0, elements: [])), labels: [1])
        }
    }

    @Test("a one-feature problem matches its closed form: weights recover the log-odds of each group")
    func closedForm() throws {
        // x ∈ {0, 1}; P(y=1 | x=0) = 1/4, P(y=1 | x=1) = 3/4; without penalty the fit reproduces these rates.
        var rows: [Float] = [], labels: [Float] = []
        for (xv, ones, zeros) in [(Float(0), 25, 75), (Float(1), 75, 25)] {
            rows += Array(repeating: xv, count: ones + zeros)
            labels += Array(repeating: 1, count: ones) + Array(repeating: 0, count: zeros)
        }
        var config = LogisticRegressionConfiguration()
        config.l2 = 0
        let model = try LogisticRegression.fit(features: Matrix(rows: 200, columns: 1, elements: rows), labels: labels,
                                               configuration: config)
        #expect(abs(try model.probability([0]) - 0.25) < 1e-6)
        #expect(abs(try model.probability([1]) - 0.75) < 1e-6)
        let raw = model.rawCoefficients
        #expect(abs(raw.weights[0] - 2 * mathLog(3)) < 1e-5)
        #expect(abs(raw.intercept + mathLog(3)) < 1e-5)
    }

    @Test("contributions add up to the log-odds; bands and class weights behave")
    func contributionsAndWeights() throws {
        let (x, y) = logisticData(rows: 300)
        let model = try LogisticRegression.fit(features: x, labels: y, featureNames: ["a", "b", "c", "d"])
        let row = (0..<4).map { Double(x[3, $0]) }
        let prediction = try model.predict(row)
        let logit = prediction.baseline + prediction.contributions.reduce(0) { $0 + $1.contribution }
        #expect(abs(LogisticMath.sigmoid(logit) - prediction.probability) < 1e-12)
        #expect(abs(try model.probabilities(x)[3] - prediction.probability) < 1e-5)
        #expect(prediction.band == RiskBands.standard.band(for: prediction.probability))
        #expect(zip(prediction.contributions, prediction.contributions.dropFirst())
            .allSatisfy { abs($0.contribution) >= abs($1.contribution) })
        let bands = try RiskBands(medium: 0.2, high: 0.9)
        #expect(bands.band(for: 0.1) == .low && bands.band(for: 0.5) == .medium && bands.band(for: 0.95) == .high)
        #expect(throws: ModelsError.self) { try RiskBands(medium: 0.8, high: 0.5) }

        var weighted = LogisticRegressionConfiguration()
        weighted.classWeighting = .custom(negative: 1, positive: 4)
        let heavy = try LogisticRegression.fit(features: x, labels: y, configuration: weighted)
        let mean = { (m: LogisticRegressionModel) in try m.probabilities(x).reduce(0, +) / Double(x.rows) }
        #expect(try mean(heavy) > mean(model) + 0.05)
        let optimum = gradientDescentOptimum(x, y, l2: 1, weights: (1, 4))
        #expect(abs(heavy.weights[0] - optimum[0]) < 2e-3)
    }

    @Test("bad inputs are typed errors")
    func invalid() throws {
        let (x, y) = logisticData(rows: 20)
        #expect(throws: ModelsError.self) { try LogisticRegression.fit(features: x, labels: Array(y.dropLast())) }
        #expect(throws: ModelsError.self) { try LogisticRegression.fit(features: x, labels: y.map { $0 * 2 }) }
        var c = LogisticRegressionConfiguration()
        c.l2 = -1
        #expect(throws: ModelsError.self) { try LogisticRegression.fit(features: x, labels: y, configuration: c) }
        let model = try LogisticRegression.fit(features: x, labels: y)
        #expect(throws: ModelsError.self) { try model.predict([1, 2]) }
    }
}
