public import Foundation

/// Runs Tests/Fixtures/make_fixtures.py (files written by other tools: fastavro, Python's json/csv/gzip) once per
/// process and returns its folder.
public actor Fixtures {
    public static let shared = Fixtures()
    private var dir: String?

    public func folder() throws -> String {
        if let dir { return dir }
        let out = try tempDir("fixtures")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TestEnvironment.python())
        p.arguments = [TestEnvironment.packageRoot.path + "/Tests/Fixtures/make_fixtures.py", out]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw FixtureError(message: "make_fixtures.py failed") }
        dir = out
        return out
    }

    /// A fixture that could not be made.
    public struct FixtureError: Error {
        public let message: String
        public init(message: String) { self.message = message }
    }
}

/// A fresh temporary folder whose name starts with `lodestar-NAME-`.
public func tempDir(_ name: String) throws -> String {
    let dir = NSTemporaryDirectory() + "lodestar-\(name)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Writes `bytes` to `path`.
public func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Writes `text` (UTF-8) to `path`.
public func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// The bytes of `path`.
public func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
