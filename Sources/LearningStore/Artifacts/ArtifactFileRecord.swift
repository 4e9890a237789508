/// One file of a version as recorded in `model_versions.artifact_files`: its name, size and SHA-256, written
/// before the version can be activated and checked on every download.
public struct ArtifactFileRecord: Codable, Sendable, Equatable {
    public var file: ArtifactKey.ArtifactFile
    public var bytes: Int64
    /// Lower-case hex.
    public var sha256: String

    public init(file: ArtifactKey.ArtifactFile, bytes: Int64, sha256: String) {
        self.file = file
        self.bytes = bytes
        self.sha256 = sha256
    }
}
