/// Why a model artifact could not be loaded.
public enum ArtifactError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes do not start with the artifact magic (not a Lodestar model file).
    case notAnArtifact
    /// The file is shorter than its header says.
    case truncated
    /// The checksum does not match the content (corrupt or partially written file).
    case checksumMismatch
    /// Written by a different schema version.
    case unsupportedVersion(found: UInt32, supported: UInt32)
    /// An artifact of another model kind.
    case wrongKind(found: UInt32, expected: UInt32)
    /// The metadata could not be decoded.
    case corruptMetadata(String)
    /// The metadata's shapes do not match the payload or each other.
    case shapeMismatch(String)
    /// A feature name appears more than once in the model's feature list (a model reads each feature once, and
    /// everything downstream keys contributions and inputs by name).
    case duplicateFeature(String)

    public var description: String {
        switch self {
        case .notAnArtifact: return "not a Lodestar model artifact (bad magic)"
        case .truncated: return "model artifact is truncated"
        case .checksumMismatch: return "model artifact checksum mismatch (corrupt file)"
        case let .unsupportedVersion(found, supported):
            return "model artifact schema version \(found) is not supported (this build reads version \(supported))"
        case let .wrongKind(found, expected): return "model artifact kind \(found), expected \(expected)"
        case let .corruptMetadata(m): return "model artifact metadata is corrupt: \(m)"
        case let .shapeMismatch(m): return "model artifact shapes do not match: \(m)"
        case let .duplicateFeature(name): return "model artifact names the feature '\(name.prefix(128))' more than once"
        }
    }

    /// Throws ``duplicateFeature(_:)`` for the first name of `names` seen before.
    static func checkDistinct(_ names: [String]) throws(ArtifactError) {
        var seen = Set<String>()
        seen.reserveCapacity(names.count)
        for name in names where !seen.insert(name).inserted { throw .duplicateFeature(name) }
    }
}
