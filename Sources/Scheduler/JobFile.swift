import Foundation
import LearningEvents
import Pipeline
import Yams

/// Reads `jobs/*.yaml` files into `JobDefinition`s; every error names the file, the line and the field.
package enum JobFile {
    /// Keys a job file may have.
    static let keys: Set<String> = ["name", "description", "kind", "schedule", "time_zone", "tenants", "source", "catalog", "params",
                                    "timeout", "retries", "missed_runs", "priority", "concurrency", "history", "max_queued", "limits"]

    /// Reads and checks one file.
    public static func load(_ path: String) throws -> JobDefinition {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw JobFileError(file: path, line: 0, field: "-", message: "cannot read the file: \(error.localizedDescription)")
        }
        guard data.count <= 1 << 20 else { throw JobFileError(file: path, line: 0, field: "-", message: "larger than 1 MiB") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JobFileError(file: path, line: 0, field: "-", message: "not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Parses the text of a job file (`file` names it in errors).
    public static func parse(_ text: String, file: String) throws -> JobDefinition {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let e as YamlError {
            throw JobFileError(file: file, line: line(of: e), field: "-", message: "not valid YAML: \(problem(of: e))")
        } catch {
            throw JobFileError(file: file, line: 0, field: "-", message: "not valid YAML: \(error)")
        }
        guard let root, let map = root.mapping else {
            throw JobFileError(file: file, line: root?.mark?.line ?? 1, field: "-", message: "a job file is a mapping (name: …, kind: …, schedule: …)")
        }
        return try Reader(file: file, map: map, rootLine: root.mark?.line ?? 1).definition()
    }

    static func line(of e: YamlError) -> Int {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: 1
        }
    }

    static func problem(of e: YamlError) -> String {
        switch e {
        case .scanner(let c, let p, _, _), .parser(let c, let p, _, _), .composer(let c, let p, _, _):
            c.map { "\($0.text) \(p)" } ?? p
        default: "\(e)"
        }
    }

    /// The checks, with positions.
    struct Reader {
        let file: String
        let map: Node.Mapping
        let rootLine: Int

        func fail(_ node: Node?, _ field: String, _ message: String) -> JobFileError {
            JobFileError(file: file, line: node?.mark?.line ?? rootLine, field: field, message: message)
        }

        func value(_ key: String, in m: Node.Mapping? = nil) -> (key: Node, value: Node)? {
            for (k, v) in (m ?? map) where k.string == key { return (k, v) }
            return nil
        }

        func scalar(_ node: Node, _ field: String) throws -> String {
            guard case .scalar(let s) = node else { throw fail(node, field, "must be a single value, not a list or mapping") }
            return s.string
        }

        func required(_ key: String) throws -> (Node, String) {
            guard let (_, v) = value(key) else { throw fail(nil, key, "missing (a job file needs name, kind and schedule)") }
            let s = try scalar(v, key)
            guard !s.isEmpty else { throw fail(v, key, "empty") }
            return (v, s)
        }

        func duration(_ node: Node, _ field: String) throws -> Duration {
            let s = try scalar(node, field)
            guard let d = DurationText.parse(s) else {
                throw fail(node, field, "'\(s)' is not a duration (a number with ms, s, m, h or d, e.g. 90s, 15m, 2h, 1h30m; at most a year)")
            }
            return d
        }

        func int(_ node: Node, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
            let s = try scalar(node, field)
            guard let v = Int(s), range.contains(v) else {
                throw fail(node, field, "'\(s)' must be an integer in \(range.lowerBound)…\(range.upperBound)")
            }
            return v
        }

        /// A string or a list of strings, as one comma-separated parameter value.
        func locations(_ node: Node, _ field: String) throws -> String {
            switch node {
            case .scalar(let s):
                guard !s.string.isEmpty else { throw fail(node, field, "empty") }
                return s.string
            case .sequence(let seq):
                let items = try seq.map { try scalar($0, field) }
                guard !items.isEmpty, !items.contains(where: { $0.isEmpty || $0.contains(",") }) else {
                    throw fail(node, field, "a list of locations, none empty or with a comma")
                }
                return items.joined(separator: ",")
            default: throw fail(node, field, "a location or a list of locations")
            }
        }

        func definition() throws -> JobDefinition {
            for (k, _) in map {
                guard let key = k.string, JobFile.keys.contains(key) else {
                    throw fail(k, k.string ?? "?", "unknown key; a job file has \(JobFile.keys.sorted().joined(separator: ", "))")
                }
            }
            let (nameNode, name) = try required("name")
            guard JobDefinition.isValidName(name) else {
                throw fail(nameNode, "name", "'\(name)' is not a job name (1–64 of a–z A–Z 0–9 . _ -, starting with a letter or digit)")
            }
            let (kindNode, kindName) = try required("kind")
            guard let kind = JobKind.named(kindName) else {
                throw fail(kindNode, "kind", "unknown kind '\(kindName)'; use one of \(JobKind.all.map(\.name).joined(separator: ", "))")
            }
            let (schedNode, scheduleText) = try required("schedule")
            let expression: CronExpression
            do { expression = try CronExpression(scheduleText) } catch let e as CronError {
                throw fail(schedNode, "schedule", "\(e)")
            }
            var tz = TimeZone(identifier: "UTC")!
            var zoneName = "UTC"
            if let (_, node) = value("time_zone") {
                let s = try scalar(node, "time_zone")
                guard let z = CronSchedule.timeZone(named: s) else {
                    throw fail(node, "time_zone", "unknown time zone '\(s)' (an IANA name such as Europe/Rome, America/New_York or UTC)")
                }
                tz = z
                zoneName = s
            }
            var tenants = TenantChoice.all
            if let (_, node) = value("tenants") {
                switch node {
                case .scalar(let s) where s.string == "all": tenants = .all
                case .sequence(let seq):
                    var list: [String] = []
                    for item in seq {
                        let t = try scalar(item, "tenants")
                        guard TenantName.isValid(t) else { throw fail(item, "tenants", "'\(t)' is not a tenant id") }
                        guard !list.contains(t) else { throw fail(item, "tenants", "'\(t)' is listed twice") }
                        list.append(t)
                    }
                    guard !list.isEmpty else { throw fail(node, "tenants", "an empty list; write `all` or name tenants") }
                    tenants = .only(list)
                default: throw fail(node, "tenants", "`all` or a list of tenant ids")
                }
            }
            var params: [String: String] = [:]
            var paramLines: [String: Node] = [:]
            if let (_, node) = value("params") {
                guard let m = node.mapping else { throw fail(node, "params", "a mapping such as {factors: 64, iterations: 15}") }
                for (k, v) in m {
                    guard let key = k.string else { throw fail(k, "params", "keys are parameter names") }
                    params[key] = try scalar(v, "params.\(key)")
                    paramLines[key] = v
                }
            }
            for key in ["source", "catalog"] {
                if let (_, node) = value(key) {
                    guard params[key] == nil else { throw fail(node, key, "given both at the top and in params") }
                    params[key] = try locations(node, key)
                    paramLines[key] = node
                }
            }
            for key in params.keys.sorted() {
                do { try JobDefinition.validate(params: [key: params[key]!], kind: kind) } catch let SchedulerError.invalidParameter(_, m) {
                    throw fail(paramLines[key], key == "source" || key == "catalog" ? key : "params.\(key)", m)
                }
            }
            if kind.readsExport, params["source"] == nil {
                throw fail(nil, "source", "missing: \(kind.name) reads an export (a file, folder, glob or gs:// location; `--param source=…` overrides it)")
            }
            var def = JobDefinition(name: name, kind: kind, schedule: CronSchedule(expression, timeZone: tz, zoneName: zoneName), tenants: tenants,
                                    params: params, file: file)
            if let (_, node) = value("description") { def.description = try scalar(node, "description") }
            if let (_, node) = value("timeout") { def.timeout = try duration(node, "timeout") }
            if let (_, node) = value("retries") {
                guard let m = node.mapping else { throw fail(node, "retries", "a mapping such as {max: 3, backoff: exponential, initial: 1m}") }
                for (k, _) in m where !["max", "backoff", "initial", "max_delay", "jitter"].contains(k.string ?? "") {
                    throw fail(k, "retries.\(k.string ?? "?")", "unknown key; retries has max, backoff, initial, max_delay, jitter")
                }
                if let (_, n) = value("max", in: m) { def.retries.maxRetries = try int(n, "retries.max", 0...100) }
                if let (_, n) = value("backoff", in: m) {
                    let s = try scalar(n, "retries.backoff")
                    guard let b = RetryPolicy.Backoff(rawValue: s) else { throw fail(n, "retries.backoff", "'\(s)': use exponential or fixed") }
                    def.retries.backoff = b
                }
                if let (_, n) = value("initial", in: m) { def.retries.initial = try duration(n, "retries.initial") }
                if let (_, n) = value("max_delay", in: m) { def.retries.maxDelay = try duration(n, "retries.max_delay") }
                if let (_, n) = value("jitter", in: m) {
                    guard let b = n.bool else { throw fail(n, "retries.jitter", "true or false") }
                    def.retries.jitter = b
                }
            }
            if let (_, node) = value("missed_runs") {
                let s = try scalar(node, "missed_runs")
                guard let p = MissedRunPolicy(rawValue: s) else { throw fail(node, "missed_runs", "'\(s)': use skip or run_once") }
                def.missedRuns = p
            }
            if let (_, node) = value("priority") { def.priority = try int(node, "priority", -1000...1000) }
            if let (_, node) = value("concurrency") { def.concurrency = try int(node, "concurrency", 1...10_000) }
            if let (_, node) = value("history") {
                guard let m = node.mapping else { throw fail(node, "history", "a mapping such as {keep: 200, max_age: 90d}") }
                for (k, _) in m where !["keep", "max_age"].contains(k.string ?? "") {
                    throw fail(k, "history.\(k.string ?? "?")", "unknown key; history has keep, max_age")
                }
                if let (_, n) = value("keep", in: m) { def.history.keep = try int(n, "history.keep", 1...100_000) }
                if let (_, n) = value("max_age", in: m) { def.history.maxAge = try duration(n, "history.max_age") }
            }
            if let (_, node) = value("max_queued") { def.maxQueued = try int(node, "max_queued", 1...10_000) }
            if let (_, node) = value("limits") { def.limits = ParameterLimits.defaults.merging(try limits(node, kind: kind)) }
            return def
        }

        /// `limits: {data_scientist: {factors: 128, …}}`: per role, numeric parameters of the kind, each within the
        /// kind's range.
        func limits(_ node: Node, kind: JobKind) throws -> [String: [String: Double]] {
            let role = ParameterLimits.limitedRole
            guard let m = node.mapping else { throw fail(node, "limits", "a mapping such as {\(role): {factors: 128, iterations: 50}}") }
            var out: [String: [String: Double]] = [:]
            for (k, v) in m {
                let name = k.string ?? "?"
                guard name == role else {
                    let why = name == "platform_admin" ? "platform_admin keeps the job kind's full ranges" : "unknown role '\(name)'"
                    throw fail(k, "limits.\(name)", "\(why); limits apply to \(role)")
                }
                guard let params = v.mapping else { throw fail(v, "limits.\(name)", "a mapping of parameter to largest value, such as {factors: 128}") }
                let numeric = ParameterLimits.numeric.intersection(kind.parameters).map(\.rawValue).sorted()
                var limits: [String: Double] = [:]
                for (pk, pv) in params {
                    let p = pk.string ?? "?"
                    let field = "limits.\(name).\(p)"
                    guard numeric.contains(p) else {
                        throw fail(pk, field, numeric.isEmpty ? "\(kind.name) takes no numeric parameter to limit"
                                                             : "not a numeric parameter of \(kind.name); limits take \(numeric.joined(separator: ", "))")
                    }
                    let text = try scalar(pv, field)
                    guard let limit = Double(text), limit.isFinite else { throw fail(pv, field, "'\(text)' is not a number") }
                    do { try JobDefinition.validate(params: [p: text], kind: kind) } catch let SchedulerError.invalidParameter(_, message) {
                        throw fail(pv, field, "a limit beyond the kind's range: \(message)")
                    }
                    limits[p] = limit
                }
                out[name] = limits
            }
            return out
        }
    }
}

/// Tenant ids as the architecture defines them: the one identifier rule (``Identifier``: 1–128 of
/// `A–Z a–z 0–9 . _ : @ -`, not starting with `.`).
package enum TenantName {
    public static func isValid(_ s: String) -> Bool { Identifier.isValid(s) }
}
