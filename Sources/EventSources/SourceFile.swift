/// One file of an export: a local path or a GCS object.
public enum SourceFile: Sendable, Hashable, CustomStringConvertible {
    case local(path: String)
    case gcs(bucket: String, object: String, size: Int64?)

    public var description: String {
        switch self {
        case .local(let path): path
        case .gcs(let bucket, let object, _): "gs://\(bucket)/\(object)"
        }
    }

    /// The last path component (where the extension is).
    var fileName: String {
        switch self {
        case .local(let path): String(path.split(separator: "/").last ?? Substring(path))
        case .gcs(_, let object, _): String(object.split(separator: "/").last ?? Substring(object))
        }
    }
}
