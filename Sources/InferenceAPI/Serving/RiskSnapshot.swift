import LearningStore
import Models

/// One tenant's active risk version, loaded: the logistic model and the feature schema it was trained with (from
/// `features.json` beside `model.bin`), checked to name the same features in the same order.
final class RiskSnapshot: Sendable {
    let version: ModelVersionDocument
    let model: LogisticRegressionModel
    let schema: FeatureSchema

    init(version: ModelVersionDocument, model: LogisticRegressionModel, schema: FeatureSchema) {
        self.version = version
        self.model = model
        self.schema = schema
    }
}
