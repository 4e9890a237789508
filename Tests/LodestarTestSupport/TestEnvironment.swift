public import Foundation

/// Where the servers and tools that `scripts/test` (and CI) start for the tests are.
///
/// Tests that need a server call these and fail with a clear message when the variable is missing:
/// they never skip, so a CI run without its servers is red, not green.
///
/// ```swift
/// let uri = try TestEnvironment.mongoURI()
/// ```
public enum TestEnvironment {
    public struct Missing: Error, CustomStringConvertible {
        public let variable: String
        public let what: String
        public var description: String {
            "\(variable) is not set: \(what) is needed by this test. Run the tests with scripts/test, which starts it."
        }
    }

    static func required(_ name: String, _ what: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw Missing(variable: name, what: what)
        }
        return value
    }

    /// `MONGODB_URI` of the SecantusDB server started by scripts/test.
    public static func mongoURI() throws -> String { try required("MONGODB_URI", "a MongoDB-wire server (SecantusDB)") }

    /// `STORAGE_EMULATOR_HOST` (e.g. `http://127.0.0.1:PORT`) of the gcp-storage-emulator started by scripts/test.
    public static func storageEmulatorHost() throws -> String {
        try required("STORAGE_EMULATOR_HOST", "the GCS emulator (gcp-storage-emulator)")
    }

    /// `PUBSUB_EMULATOR_HOST` (`127.0.0.1:PORT`) of the project's Pub/Sub emulator (`scripts/pubsub_emulator.py`)
    /// started by scripts/test.
    public static func pubsubEmulatorHost() throws -> String {
        try required("PUBSUB_EMULATOR_HOST", "the Pub/Sub emulator (scripts/pubsub_emulator.py)")
    }

    /// `LODESTAR_PYTHON`: the venv interpreter with fastavro, cramjam and pymongo, for fixtures other tools write.
    public static func python() throws -> String { try required("LODESTAR_PYTHON", "Python with fastavro") }

    /// The package root (found from this file's location), for scripts and fixtures under `Tests/`.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
