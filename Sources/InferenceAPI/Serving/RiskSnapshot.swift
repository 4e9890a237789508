import LearningStore
import Models

/// One tenant's active risk version, loaded: its scorer, the model with the feature schema it was trained with
/// (from `features.json` beside `model.bin`), checked to name the same features in the same order — the batch's
/// one scoring path (`RiskScorer`).
final class RiskSnapshot: Sendable {
    let version: ModelVersionDocument
    let scorer: RiskScorer
    var schema: FeatureSchema { scorer.schema }

    init(version: ModelVersionDocument, scorer: RiskScorer) {
        self.version = version
        self.scorer = scorer
    }
}
