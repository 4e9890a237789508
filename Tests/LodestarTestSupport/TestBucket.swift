public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A new bucket of the GCS emulator that scripts/test starts (`STORAGE_EMULATOR_HOST`), filled through its JSON API
/// (files dropped into the emulator's folder by hand are invisible to it).
public struct TestBucket: Sendable {
    public let host: String
    public let name: String

    /// Creates a bucket named `<prefix>-<random>`.
    public static func create(_ prefix: String) async throws -> TestBucket {
        let host = try TestEnvironment.storageEmulatorHost()
        let name = "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
        var request = URLRequest(url: URL(string: "\(host)/storage/v1/b")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"name":"\#(name)"}"#.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw BucketError(description: "the GCS emulator at \(host) did not create bucket \(name)")
        }
        return TestBucket(host: host, name: name)
    }

    /// Uploads every file of `folder` (not recursive) as `<prefix>/<file name>`.
    public func upload(folder: URL, as prefix: String) async throws {
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            var request = URLRequest(url: URL(string: "\(host)/upload/storage/v1/b/\(name)/o?uploadType=media&name=\(prefix)/\(file)")!)
            request.httpMethod = "POST"
            request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
            request.httpBody = try Data(contentsOf: folder.appendingPathComponent(file))
            let (_, response) = try await URLSession.shared.data(for: request)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw BucketError(description: "the GCS emulator refused \(prefix)/\(file)")
            }
        }
    }
}

extension TestBucket {
    /// The shipped `jobs/nightly-refresh.yaml` with its source and catalog pointed at this bucket's `events/` and
    /// `courses/` (the test copy of the job a deployment runs).
    public func shippedNightlyJob() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("jobs/nightly-refresh.yaml"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let source = lines.firstIndex(where: { $0.hasPrefix("source:") }) else {
            throw BucketError(description: "jobs/nightly-refresh.yaml names no source")
        }
        lines[source] = "source: gs://\(name)/events/"
        lines.removeAll { $0.hasPrefix("catalog:") || $0.hasPrefix("# catalog:") }
        lines.insert("catalog: gs://\(name)/courses/", at: source + 1)
        return lines.joined(separator: "\n")
    }
}

/// A refusal of the GCS emulator.
public struct BucketError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
