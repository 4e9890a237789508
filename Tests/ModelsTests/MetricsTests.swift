import Testing
@testable import Models

@Suite("metrics against hand-computed values")
struct MetricsTests {
    @Test("precision, recall, MAP, nDCG and ranking AUC")
    func ranking() throws {
        let rec = [3, 1, 4, 5, 9]
        let rel: Set<Int> = [1, 5, 7]
        #expect(RankingMetrics.precision(at: 5, recommended: rec, relevant: rel) == 2.0 / 5)
        #expect(RankingMetrics.recall(at: 5, recommended: rec, relevant: rel) == 2.0 / 3)
        // Hits at ranks 2 and 4: AP = (1/2 + 2/4) / min(5, 3).
        #expect(abs(RankingMetrics.averagePrecision(at: 5, recommended: rec, relevant: rel) - 1.0 / 3) < 1e-12)
        // DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3) + 1/log2(4).
        let dcg = 1 / mathLog2(3) + 1 / mathLog2(5), idcg = 1 + 1 / mathLog2(3) + 0.5
        #expect(abs(RankingMetrics.ndcg(at: 5, recommended: rec, relevant: rel) - dcg / idcg) < 1e-12)
        #expect(RankingMetrics.ndcg(at: 2, recommended: [1, 5], relevant: rel) == 1)
        #expect(RankingMetrics.precision(at: 5, recommended: rec, relevant: []) == 0)
        // Ranking 1 (rel), 2, 5 (rel), 3: pairs (rel above non-rel) = 2 + 1 of 4.
        #expect(RankingMetrics.auc(ranking: [1, 2, 5, 3], relevant: [1, 5]) == 0.75)
        #expect(RankingMetrics.auc(ranking: [1, 2], relevant: []) == nil)
        let summary = try RankingMetrics.evaluate(at: 2, recommended: [[1, 2], [3, 4], [9, 9]],
                                                  relevant: [[1], [4], []])
        #expect(summary.learners == 2)
        #expect(summary.precision == 0.5)
        #expect(summary.recall == 1)
        #expect(abs(summary.map - 0.75) < 1e-12)
        #expect(abs(summary.ndcg - (1 + 1 / mathLog2(3)) / 2) < 1e-12)
    }

    @Test("ROC-AUC with ties, log-loss, Brier, calibration")
    func classification() throws {
        let scores = [0.1, 0.4, 0.35, 0.8, 0.4]
        let labels = [false, false, true, true, true]
        // Positives 0.35, 0.8, 0.4 vs negatives 0.1, 0.4: pairs won 1 + 0 / 1 + 1 + 1 + 1 + 0.5 = 4.5 of 6.
        #expect(try ClassificationMetrics.rocAUC(scores: scores, labels: labels) == 4.5 / 6)
        #expect(try ClassificationMetrics.rocAUC(scores: [0.2], labels: [true]) == nil)
        let ll = try ClassificationMetrics.logLoss(probabilities: [0.9, 0.2], labels: [true, false])
        #expect(abs(ll - -(mathLog(0.9) + mathLog(0.8)) / 2) < 1e-12)
        #expect(abs(try ClassificationMetrics.brier(probabilities: [0.9, 0.2], labels: [true, false]) - 0.025) < 1e-12)
        let table = try ClassificationMetrics.calibration(probabilities: [0.05, 0.15, 0.12, 0.95], labels: [false, true, false, true],
                                                          bins: 10)
        #expect(table.count == 10)
        #expect(table[0].count == 1 && table[0].observedRate == 0)
        #expect(table[1].count == 2 && table[1].observedRate == 0.5 && abs(table[1].meanPredicted - 0.135) < 1e-12)
        #expect(table[9].count == 1 && table[9].observedRate == 1)
        #expect(throws: ModelsError.self) { try ClassificationMetrics.brier(probabilities: [0.1], labels: []) }
    }
}
