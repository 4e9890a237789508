import Foundation
package import Pipeline

/// One job as a `jobs/*.yaml` file defines it (docs/scheduling.md; the format is in the architecture).
///
/// ```yaml
/// name: nightly-refresh
/// kind: refresh
/// schedule: "0 2 * * *"
/// time_zone: Europe/Rome
/// tenants: all
/// source: gs://exports/learning_events/*.avro
/// params: {factors: 64, iterations: 15}
/// timeout: 2h
/// retries: {max: 3, backoff: exponential, initial: 1m}
/// missed_runs: run_once
/// max_queued: 3
/// limits: {data_scientist: {factors: 128, iterations: 50, top_k: 100}}
/// ```
public struct JobDefinition: Sendable {
    /// 1–64 of `a–z A–Z 0–9 . _ -`, starting with a letter or digit.
    public var name: String
    public var description: String?
    /// The pipeline's job kind. `package`: the API and other clients see the kind through `kindName`,
    /// `kindSummary`, `parameterNames` and `readsExport`, so nothing public here exposes `Pipeline` types.
    package var kind: JobKind
    public var schedule: CronSchedule
    public var tenants: TenantChoice
    /// Parameters as validated text, by `JobParameter` raw value; `source` and `catalog` of the file are here too.
    public var params: [String: String]
    /// A run still going after this long is cancelled and counts as a failed attempt.
    public var timeout: Duration?
    public var retries: RetryPolicy
    public var missedRuns: MissedRunPolicy
    /// Higher runs first when runs compete for slots (default 0).
    public var priority: Int
    /// Live runs of this job at once over all tenants and replicas (`nil`: no limit but the global ones).
    public var concurrency: Int?
    public var history: RetentionPolicy
    /// Queued and running runs made by triggers, per (job, tenant); a trigger beyond it is refused
    /// (`SchedulerError.tooManyRuns`, HTTP 429). Default 3.
    public var maxQueued: Int
    /// Per-role upper bounds on the parameters a caller sets (`ParameterLimits.defaults` unless the file says more).
    public var limits: ParameterLimits
    /// The file it came from.
    public var file: String

    package init(name: String, kind: JobKind, schedule: CronSchedule, tenants: TenantChoice = .all, params: [String: String] = [:],
                timeout: Duration? = nil, retries: RetryPolicy = RetryPolicy(), missedRuns: MissedRunPolicy = .runOnce,
                priority: Int = 0, concurrency: Int? = nil, history: RetentionPolicy = RetentionPolicy(), file: String = "",
                description: String? = nil, maxQueued: Int = JobDefinition.defaultMaxQueued,
                limits: ParameterLimits = .defaults) {
        self.name = name
        self.kind = kind
        self.schedule = schedule
        self.tenants = tenants
        self.params = params
        self.timeout = timeout
        self.retries = retries
        self.missedRuns = missedRuns
        self.priority = priority
        self.concurrency = concurrency
        self.history = history
        self.file = file
        self.description = description
        self.maxQueued = maxQueued
        self.limits = limits
    }

    /// `max_queued` when a job file does not set it.
    public static let defaultMaxQueued = 3

    /// True when `name` is a valid job name.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), let first = name.unicodeScalars.first,
              first.properties.isAlphabetic || ("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// The job kind's name (`refresh`, `score-risk`, …).
    public var kindName: String { kind.name }

    /// The job kind's one-line summary.
    public var kindSummary: String { kind.summary }

    /// The parameters the job kind takes, sorted by name.
    public var parameterNames: [String] { kind.parameters.map(\.rawValue).sorted() }

    /// False when the kind reads no export (`noop`).
    public var readsExport: Bool { kind.readsExport }

    /// Checks `params` against this job's kind (known to it, values in range); throws
    /// `SchedulerError.invalidParameter` naming the parameter.
    public func validate(params: [String: String]) throws { try Self.validate(params: params, kind: kind) }

    /// Checks `params` against the kind (known to it, values in range); throws `SchedulerError.invalidParameter`.
    package static func validate(params: [String: String], kind: JobKind) throws {
        var scratch = RefreshOptions(source: ["-"], modelsDirectory: URL(fileURLWithPath: "models"))
        for (key, value) in params.sorted(by: { $0.key < $1.key }) {
            guard let p = JobParameter(rawValue: key) else {
                throw SchedulerError.invalidParameter(key, "unknown parameter; \(kind.name) takes \(kind.parameters.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            guard kind.parameters.contains(p) else {
                throw SchedulerError.invalidParameter(key, "\(kind.name) does not take it; it takes \(kind.parameters.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            do { try p.apply(value, to: &scratch) } catch { throw SchedulerError.invalidParameter(key, "\(error)") }
        }
    }

    /// A stable digest of what scheduling depends on (a changed file reschedules the job).
    public var fingerprint: String {
        let parts = [name, kind.name, schedule.expression.text, schedule.zoneName, "\(tenants)",
                     params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")]
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in parts.joined(separator: "\u{1}").utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}

/// Which tenants a job covers.
public enum TenantChoice: Sendable, Equatable, CustomStringConvertible {
    /// Every tenant in the job's export (`refresh`, …), or every tenant Lodestar knows for a kind that reads none.
    case all
    case only([String])

    public var description: String {
        switch self {
        case .all: "all"
        case .only(let l): l.joined(separator: ",")
        }
    }

    /// Whether `tenant` is covered.
    public func includes(_ tenant: String) -> Bool {
        switch self {
        case .all: true
        case .only(let l): l.contains(tenant)
        }
    }
}

/// What happens to firings missed while no replica was running (the Quartz misfire question).
public enum MissedRunPolicy: String, Sendable, Equatable, CaseIterable {
    /// Missed firings are dropped; the job runs at its next firing.
    case skip
    /// However many were missed, one run is made at once (for the latest missed firing).
    case runOnce = "run_once"
}

/// How much history of a job is kept (per tenant): the newest `keep` finished runs and none older than `maxAge`.
public struct RetentionPolicy: Sendable, Equatable {
    public var keep: Int
    public var maxAge: Duration

    public init(keep: Int = 200, maxAge: Duration = .seconds(90 * 86_400)) {
        self.keep = keep
        self.maxAge = maxAge
    }
}
