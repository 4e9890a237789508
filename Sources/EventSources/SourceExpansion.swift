import GoogleCloud
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the locations a user gives (a file, a folder, a glob such as `exports/events-*.avro`, or
/// `gs://bucket/prefix*`) into the files to read, sorted by name within each location. A folder is read with its
/// subfolders (an export's `events/` and `courses/`); which files hold which table is told from their columns.
enum SourceExpansion {
    struct Failure: Error, CustomStringConvertible {
        let location: String
        let message: String
        var description: String { "\(location): \(message)" }
    }

    static func expand(_ location: String, gcs: () throws -> GCSClient) async throws -> [SourceFile] {
        if location.hasPrefix("gs://") {
            let rest = location.dropFirst(5)
            guard let slash = rest.firstIndex(of: "/") else {
                return try await gcsFiles(bucket: String(rest), pattern: "*", client: try gcs(), location: location)
            }
            let bucket = String(rest[..<slash])
            let pattern = String(rest[rest.index(after: slash)...])
            return try await gcsFiles(bucket: bucket, pattern: pattern, client: try gcs(), location: location)
        }
        if location.contains("*") || location.contains("?") || location.contains("[") {
            var g = glob_t()
            defer { globfree(&g) }
            let status = glob(location, 0, nil, &g)
            guard status == 0 else {
                throw Failure(location: location, message: status == GLOB_NOMATCH ? "no file matches" : "glob failed")
            }
            var paths: [String] = []
            for k in 0..<Int(g.gl_pathc) {
                if let p = g.gl_pathv[k] { paths.append(String(cString: p)) }
            }
            return paths.filter { !isDirectory($0) }.sorted().map { .local(path: $0) }
        }
        var st = stat()
        guard stat(location, &st) == 0 else {
            throw Failure(location: location, message: "no such file or folder")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            var out: [String] = []
            let folder = location.count > 1 && location.hasSuffix("/") ? String(location.dropLast()) : location
            try listFolder(folder, depth: 0, into: &out)
            return out.map { .local(path: $0) }
        }
        return [.local(path: location)]
    }

    /// Subfolders read below a folder given as a location (an export's `events/` and `courses/`, shards below).
    static let maxFolderDepth = 8

    /// The files with known extensions in `folder` and its subfolders (hidden names skipped), sorted by path.
    static func listFolder(_ folder: String, depth: Int, into out: inout [String]) throws {
        guard let dir = opendir(folder) else { throw Failure(location: folder, message: "cannot list folder") }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        closedir(dir)
        for name in names.sorted() {
            let path = folder + "/" + name
            if isDirectory(path) {
                if depth < maxFolderDepth { try listFolder(path, depth: depth + 1, into: &out) }
            } else if ExportFormat.of(fileName: name) != nil {
                out.append(path)
            }
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Objects of `bucket` matching `pattern` (`*` and `?` wildcards; no wildcard: the object or the "folder").
    static func gcsFiles(bucket: String, pattern: String, client: GCSClient, location: String) async throws
        -> [SourceFile]
    {
        let wildcard = pattern.firstIndex { $0 == "*" || $0 == "?" || $0 == "[" }
        let prefix = wildcard.map { String(pattern[..<$0]) } ?? pattern
        let objects = try await client.list(bucket: bucket, prefix: prefix)
        let matching = objects.filter { obj in
            if wildcard != nil { return fnmatch(pattern, obj.name, 0) == 0 }
            return obj.name == pattern || pattern.isEmpty || obj.name.hasPrefix(pattern.hasSuffix("/") ? pattern : pattern + "/")
        }
        .filter { !$0.name.hasSuffix("/") }
        guard !matching.isEmpty else { throw Failure(location: location, message: "no object matches") }
        return matching.sorted { $0.name < $1.name }.map { .gcs(bucket: bucket, object: $0.name, size: $0.size) }
    }
}
