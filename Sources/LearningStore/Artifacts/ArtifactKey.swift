public import LearningEvents
import MongoStore

/// Names one file of a model version in the artifact store: `<tenant>/<kind>/<version>/<file>`. Built only from a
/// validated tenant, a kind, a version name that follows the identifier rule and one of the known file names, so a
/// location never comes from a stored path or from a request.
public struct ArtifactKey: Sendable, Hashable, CustomStringConvertible {
    public let tenant: TenantID
    public let kind: ModelKind
    public let version: String
    public let file: ArtifactFile

    /// The files a version may have.
    public enum ArtifactFile: String, Sendable, Codable, CaseIterable {
        /// The Models artifact (schema version, shapes, checksum).
        case model = "model.bin"
        /// Data window, metrics, hyperparameters and notes, for people.
        case card = "card.json"
        /// The risk model's feature schema.
        case features = "features.json"
        /// A recommender's popularity table (the fill order, per organisation).
        case popularity = "popularity.json"
    }

    /// Throws ``LearningStoreError/invalidVersionName(_:)`` when `version` is not an identifier.
    public init(tenant: TenantID, kind: ModelKind, version: String, file: ArtifactFile) throws {
        guard Identifier.isValid(version) else { throw LearningStoreError.invalidVersionName(version) }
        self.tenant = tenant
        self.kind = kind
        self.version = version
        self.file = file
    }

    /// The key's path below the store's root (or within the tenant's GridFS scope: ``pathInTenant``).
    public var path: String { "\(tenant.rawValue)/\(pathInTenant)" }
    /// `<kind>/<version>/<file>`.
    public var pathInTenant: String { "\(kind.rawValue)/\(version)/\(file.rawValue)" }
    public var description: String { path }
}
