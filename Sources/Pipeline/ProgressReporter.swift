import Foundation
public import Logging

/// Progress of a long run: a rate line on a terminal, structured log lines otherwise, and each step as a typed
/// ``RunProgress`` to `onProgress` (how the scheduler shows a run's progress).
///
/// `@unchecked Sendable`: the start times are guarded by `lock`.
public final class ProgressReporter: @unchecked Sendable {
    private let logger: Logger
    private let terminal: Bool
    private let lock = NSLock()
    private var started: [String: ContinuousClock.Instant] = [:]
    private let onProgress: (@Sendable (RunProgress) -> Void)?

    /// `terminal: nil` asks whether standard error is a terminal. `onProgress` receives every phase start and row
    /// count, in order, whatever the output.
    public init(logger: Logger, terminal: Bool? = nil, onProgress: (@Sendable (RunProgress) -> Void)? = nil) {
        self.logger = logger
        self.terminal = terminal ?? (isatty(2) != 0)
        self.onProgress = onProgress
    }

    public func phase(_ name: String, detail: String) {
        lock.withLock { started[name] = ContinuousClock.now }
        onProgress?(RunProgress(phase: name, detail: detail))
        if terminal { FileHandle.standardError.write(Data("▸ \(name): \(detail)\n".utf8)) } else {
            logger.info("phase started", metadata: ["phase": "\(name)", "detail": "\(detail)"])
        }
    }

    /// A running count with its rate since the phase started.
    public func count(_ name: String, _ n: Int) {
        let start = lock.withLock { started[name] } ?? ContinuousClock.now
        let s = max(1e-9, seconds(ContinuousClock.now - start))
        let rate = Double(n) / s
        onProgress?(RunProgress(phase: name, rows: n))
        if terminal {
            FileHandle.standardError.write(Data("\r  \(name): \(n) rows, \(Int(rate)) rows/s   ".utf8))
        } else {
            logger.info("progress", metadata: ["phase": "\(name)", "rows": "\(n)", "rows_per_s": "\(Int(rate))"])
        }
    }

    public func done(_ name: String, detail: String) {
        if terminal { FileHandle.standardError.write(Data("\r✔ \(name): \(detail)\u{1B}[K\n".utf8)) } else {
            logger.info("phase done", metadata: ["phase": "\(name)", "detail": "\(detail)"])
        }
    }
}
