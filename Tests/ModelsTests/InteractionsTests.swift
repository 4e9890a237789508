import Testing
@testable import Models

@Suite("Interactions, id maps and CSR/CSC")
struct InteractionsTests {
    @Test("duplicates are summed, CSC is the transpose, indices are valid")
    func csr() throws {
        let data = try Interactions(
            triplets: [(0, 2, 1), (1, 0, 2), (0, 2, 3), (2, 1, 1), (0, 0, 1)], learnerCount: 3, courseCount: 3)
        #expect(data.nonZeroCount == 4)
        #expect(data.byLearner.entries(inRow: 0).map(\.column) == [0, 2])
        #expect(data.byLearner.entries(inRow: 0).map(\.weight) == [1, 4])
        #expect(data.byCourse.entries(inRow: 0).map(\.column) == [0, 1])
        #expect(data.byCourse.entries(inRow: 2).map(\.weight) == [4])
        #expect(data.byCourse.transposed() == data.byLearner)
        #expect(data.coursePopularity == [2, 1, 1])
        #expect(throws: ModelsError.self) {
            try Interactions(triplets: [(0, 5, 1)], learnerCount: 1, courseCount: 3)
        }
        #expect(throws: ModelsError.self) {
            try SparseMatrix(rows: 2, columns: 2, rowStart: [0, 1], columnIndices: [0], values: [1])
        }
    }

    @Test("string ids get stable sorted indices whatever the event order; event types weigh as configured")
    func ids() throws {
        let events = [("l2", "cB", "course_completed"), ("l1", "cA", "content_viewed"), ("l2", "cA", "quiz_submitted"),
                      ("l1", "cA", "content_viewed")]
        let a = try Interactions(events: events.map { ($0.0, $0.1, $0.2) })
        let b = try Interactions(events: events.reversed().map { ($0.0, $0.1, $0.2) })
        #expect(a.learners == b.learners && a.courses == b.courses && a.byLearner == b.byLearner)
        #expect(a.learners.ids == ["l1", "l2"])
        #expect(a.courses.index(of: "cB") == 1)
        #expect(a.byLearner.entries(inRow: 0).map(\.weight) == [2])  // two views
        let l2 = a.byLearner.entries(inRow: 1)
        #expect(l2.map(\.weight) == [4, 8])  // quiz on cA, completion on cB
        let custom = ConfidenceWeights(["content_viewed": 0.5], defaultWeight: 1)
        let c = try Interactions(events: events.map { ($0.0, $0.1, $0.2) }, confidence: custom)
        #expect(c.byLearner.entries(inRow: 0).map(\.weight) == [1])
        var map = a.courses
        #expect(map.insert("cC") == 2 && map.insert("cA") == 0)
        #expect(throws: ModelsError.self) { try IDMap(ordered: ["x", "x"]) }
    }

    @Test("leave-k-out and time splits")
    func splits() throws {
        let (_, list) = try plantedInteractions(learners: 10, courses: 12, perLearner: 5)
        let (train, test) = try Splits.leaveKOut(list, k: 2, seed: 1)
        #expect(train.count + test.count == list.count)
        let byLearner = Dictionary(grouping: test, by: \.learner)
        #expect(byLearner.count == 10 && byLearner.values.allSatisfy { $0.count == 2 })
        let again = try Splits.leaveKOut(list, k: 2, seed: 1)
        #expect(again.test == test)
        let (early, late) = Splits.byTime(list, cutoff: 50)
        #expect(early.allSatisfy { $0.time < 50 } && late.allSatisfy { $0.time >= 50 })
        #expect(early.count + late.count == list.count)
        let sets = Splits.relevantSets(test, learnerCount: 10)
        #expect(sets.map(\.count) == Array(repeating: 2, count: 10))
    }
}

@Suite("degenerate inputs")
struct DegenerateInputTests {
    @Test("empty data trains to empty or zero factors without trapping")
    func empty() throws {
        let none = try Interactions(triplets: [], learnerCount: 0, courseCount: 0)
        let m0 = try ALSModel.fit(none, configuration: smallConfig(.conjugateGradient(steps: 3)))
        #expect(m0.learnerFactors.rows == 0 && m0.courseFactors.rows == 0)
        #expect(try m0.recommend(learners: [], k: 3).isEmpty)
        let noCourses = try Interactions(triplets: [], learnerCount: 3, courseCount: 0)
        let m1 = try ALSModel.fit(noCourses, configuration: smallConfig(.cholesky))
        #expect(m1.learnerFactors.elements.allSatisfy { $0 == 0 })
        #expect(try m1.recommend(learners: [0, 1], k: 3) == [[], []])
        let round = try ALSModel(artifact: m1.artifact())
        #expect(round.learnerFactors == m1.learnerFactors)
    }
}
