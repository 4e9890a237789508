public import Foundation

/// The `lodestar` executable built beside the test bundle (`swift build --build-tests` builds both), run as a
/// command-line user would.
public enum LodestarBinary {
    /// Its path.
    public static var url: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lodestar")
    }

    /// The path, or an error saying to build it.
    public static func require() throws -> URL {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw Fixtures.FixtureError(message: "\(url.path) not built (run swift build --build-tests)")
        }
        return url
    }

    /// Runs `lodestar args…` to its end with `environment` (the test process's when nil); returns its exit status and
    /// its standard output and error together.
    public static func run(_ args: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = try require()
        p.arguments = args
        if let environment { p.environment = environment }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
