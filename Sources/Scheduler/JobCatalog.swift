import Foundation

/// The job definitions of a `jobs/` folder (every `*.yaml` / `*.yml` file in it).
public struct JobCatalog: Sendable {
    public let jobs: [JobDefinition]

    public init(jobs: [JobDefinition]) { self.jobs = jobs }

    /// Reads every job file of `directory`; throws the first bad file's `JobFileError`, or one naming a job
    /// defined twice.
    public static func load(directory: String) throws -> JobCatalog {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw JobFileError(file: directory, line: 0, field: "-", message: "no such folder (give --jobs-dir, or run where jobs/ is)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var jobs: [JobDefinition] = []
        for n in names {
            let path = (directory as NSString).appendingPathComponent(n)
            let job = try JobFile.load(path)
            if let other = jobs.first(where: { $0.name == job.name }) {
                throw JobFileError(file: path, line: 1, field: "name", message: "job '\(job.name)' is also defined in \(other.file)")
            }
            jobs.append(job)
        }
        return JobCatalog(jobs: jobs)
    }

    /// The job called `name`.
    public func job(named name: String) -> JobDefinition? { jobs.first { $0.name == name } }
}
