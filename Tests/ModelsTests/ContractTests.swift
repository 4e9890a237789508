import Testing
import LinearAlgebra
@testable import Models

/// One model under the contract: how to train it, serialise it, load it, and compare two instances.
struct ContractCase: Sendable, CustomTestStringConvertible {
    let name: String
    let kind: ModelArtifact.Kind
    let train: @Sendable (_ threads: Int, _ cancellation: CancellationFlag?) throws -> any Sendable
    let save: @Sendable (any Sendable) throws -> [UInt8]
    let load: @Sendable ([UInt8]) throws -> any Sendable
    /// Every learned number, for exact comparisons.
    let fingerprint: @Sendable (any Sendable) -> [Double]
    /// The shapes the model must have.
    let shapes: @Sendable (any Sendable) -> [Int]
    let expectedShapes: [Int]
    var testDescription: String { name }

    static func als(_ solver: ALSSolverKind, _ label: String) -> ContractCase {
        ContractCase(
            name: "iALS \(label)", kind: .als,
            train: { threads, flag in
                let (data, _) = try plantedInteractions(learners: 25, courses: 10)
                var c = smallConfig(solver, factors: 3, iterations: 3)
                c.threads = threads
                return try ALSModel.fit(data, configuration: c, cancellation: flag)
            },
            save: { try ($0 as! ALSModel).artifact() },
            load: { try ALSModel(artifact: $0) },
            fingerprint: { m in
                let m = m as! ALSModel
                return (m.learnerFactors.elements + m.courseFactors.elements).map(Double.init) + m.lossHistory
            },
            shapes: { m in
                let m = m as! ALSModel
                return [m.learnerFactors.rows, m.learnerFactors.columns, m.courseFactors.rows, m.learners.count]
            },
            expectedShapes: [25, 3, 10, 25])
    }

    static let logistic = ContractCase(
        name: "logistic regression", kind: .logisticRegression,
        train: { threads, flag in
            let (x, y) = logisticData(rows: 300)
            var c = LogisticRegressionConfiguration()
            c.threads = threads
            c.blockSize = 32
            return try LogisticRegression.fit(features: x, labels: y, configuration: c, cancellation: flag)
        },
        save: { try ($0 as! LogisticRegressionModel).artifact() },
        load: { try LogisticRegressionModel(artifact: $0) },
        fingerprint: { m in
            let m = m as! LogisticRegressionModel
            return m.weights + [m.intercept] + m.means + m.scales + m.objectiveHistory
        },
        shapes: { m in
            let m = m as! LogisticRegressionModel
            return [m.featureCount, m.weights.count, m.means.count]
        },
        expectedShapes: [4, 4, 4])
}

extension ContractCase {
    static let survival = ContractCase(
        name: "survival risk", kind: .risk,
        train: { threads, flag in
            let data = survivalData(enrolments: 300, followUp: 5)
            var c = LogisticRegressionConfiguration()
            c.threads = threads
            c.blockSize = 64
            return RiskModel.survival(try SurvivalRiskModel.fit(rows: data.rows, dropout: data.dropout, completion: data.completion,
                                                                featureNames: ["x0", "x1"], daysEnrolledColumn: nil, configuration: c,
                                                                cancellation: flag))
        },
        save: { try ($0 as! RiskModel).artifact() },
        load: { try RiskModel(artifact: $0) },
        fingerprint: { m in
            guard case .survival(let s) = m as! RiskModel else { return [] }
            return s.dropout.weights + [s.dropout.intercept] + s.completion.weights + [s.completion.intercept] + s.dropout.means
                + [s.calibration.a, s.calibration.b]
        },
        shapes: { m in
            guard case .survival(let s) = m as! RiskModel else { return [] }
            return [s.featureNames.count, s.dropout.featureCount, s.completion.featureCount]
        },
        expectedShapes: [2, 6, 6])
}

let contractCases: [ContractCase] = [.als(.conjugateGradient(steps: 3), "CG"), .als(.cholesky, "Cholesky"), .logistic, .survival]

@Suite("model contract (every model)")
struct ContractTests {
    @Test("shapes, determinism across runs and thread counts", arguments: contractCases)
    func determinism(_ c: ContractCase) throws {
        let a = try c.train(2, nil), b = try c.train(2, nil), single = try c.train(1, nil), many = try c.train(3, nil)
        #expect(c.shapes(a) == c.expectedShapes)
        #expect(c.fingerprint(a) == c.fingerprint(b))
        #expect(c.fingerprint(a) == c.fingerprint(single))
        #expect(c.fingerprint(a) == c.fingerprint(many))
        #expect(c.fingerprint(a).allSatisfy { $0.isFinite })
    }

    @Test("save/load round trip is exact", arguments: contractCases)
    func roundTrip(_ c: ContractCase) throws {
        let model = try c.train(2, nil)
        let bytes = try c.save(model)
        let loaded = try c.load(bytes)
        #expect(c.fingerprint(loaded) == c.fingerprint(model))
        #expect(c.shapes(loaded) == c.expectedShapes)
        #expect(try c.save(loaded) == bytes)
    }

    @Test("a set cancellation flag stops training with CancellationError", arguments: contractCases)
    func cancellation(_ c: ContractCase) throws {
        let flag = CancellationFlag()
        flag.cancel()
        #expect(throws: CancellationError.self) { _ = try c.train(2, flag) }
    }

    @Test("corrupt, truncated, other-version and other-kind artifacts fail clearly", arguments: contractCases)
    func badArtifacts(_ c: ContractCase) throws {
        let bytes = try c.save(try c.train(1, nil))
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x40
        #expect(throws: ArtifactError.checksumMismatch) { _ = try c.load(flipped) }
        #expect(throws: ArtifactError.self) { _ = try c.load(Array(bytes.prefix(bytes.count - 9))) }
        #expect(throws: ArtifactError.notAnArtifact) { _ = try c.load(Array("not a model".utf8)) }
        #expect(throws: ArtifactError.notAnArtifact) { _ = try c.load([]) }

        var future = Array(bytes.dropLast(8))
        future[8] = 2  // schema version 2, checksum recomputed: a well-formed file from another version
        ModelArtifact.append(&future, ModelArtifact.fnv1a(future[...]))
        #expect(throws: ArtifactError.unsupportedVersion(found: 2, supported: 1)) { _ = try c.load(future) }

        let other = contractCases.first { $0.kind != c.kind }!
        let otherBytes = try other.save(try other.train(1, nil))
        #expect(throws: ArtifactError.wrongKind(found: other.kind.rawValue, expected: c.kind.rawValue)) {
            _ = try c.load(otherBytes)
        }
    }

    @Test("metadata shapes that disagree with the payload are rejected")
    func shapeMismatch() throws {
        let model = try ContractCase.als(.cholesky, "").train(1, nil) as! ALSModel
        var meta = ALSArtifactMetadata(
            configuration: model.configuration, learnerCount: model.learnerFactors.rows + 1,
            courseCount: model.courseFactors.rows, factors: model.factors, learnerIDs: model.learners,
            courseIDs: model.courses, coursePopularity: model.coursePopularity, lossHistory: [], metrics: [:])
        let payload = model.learnerFactors.elements + model.courseFactors.elements
        let bad = try ModelArtifact.encode(kind: .als, metadata: meta, payload: payload)
        #expect(throws: ArtifactError.self) { try ALSModel(artifact: bad) }
        meta.learnerCount -= 1
        meta.factors += 1
        let bad2 = try ModelArtifact.encode(kind: .als, metadata: meta, payload: payload)
        #expect(throws: ArtifactError.self) { try ALSModel(artifact: bad2) }
        let good = try ModelArtifact.encode(kind: .als, metadata: ALSArtifactMetadata(
            configuration: model.configuration, learnerCount: model.learnerFactors.rows,
            courseCount: model.courseFactors.rows, factors: model.factors, learnerIDs: model.learners,
            courseIDs: model.courses, coursePopularity: model.coursePopularity, lossHistory: [], metrics: ["ndcg": 0.5]),
            payload: payload)
        #expect(try ALSModel(artifact: good).metrics == ["ndcg": 0.5])
    }

    @Test("async training is cancelled by cancelling its task")
    func asyncCancellation() async throws {
        let (data, _) = try plantedInteractions(learners: 400, courses: 40)
        var c = smallConfig(.cholesky, factors: 16, iterations: 10_000)
        c.blockSize = 1
        c.computeLoss = false
        let config = c
        let task = Task { try await ALSModel.fit(data, configuration: config) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }
}
