import Foundation
import Logging
import MongoStore

extension Scheduler {
    enum Outcome: Sendable {
        case done(RunMetrics)
        case threw(String, cancelled: Bool)
        case stopped(StopReason)
    }

    /// Carries out one claimed run: the executor beside a heartbeat (every third of the lease; it also reads cancel
    /// requests and writes progress) and the run's timeout. Whichever ends first stops the others; the body is
    /// cancelled and awaited before the attempt's end is written, and nothing is written when the lease was lost.
    nonisolated func carryOut(_ handle: InFlightRun) async {
        let run = handle.run
        let owner = configuration.owner
        let lease = configuration.leaseDuration
        let store = store, clock = clock, executor = executor
        var log = logger
        log[metadataKey: "run"] = "\(run._id)"
        log.info("run started", metadata: ["job": "\(run.job)", "tenant": "\(run.tenant_id)", "attempt": "\(run.attempt)"])
        let context = RunContext(
            logger: log, progress: { handle.setProgress($0) },
            activationGuard: { tx in try await RunStore.confirm(runID: run._id, owner: owner, now: clock.now(), in: tx) })
        let outcome: Outcome = await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                do { return .done(try await executor.execute(run, context: context)) } catch is RunLeaseLost {
                    return .stopped(.leaseLost)
                } catch {
                    return .threw("\(error)", cancelled: error is CancellationError || Task.isCancelled)
                }
            }
            group.addTask {
                var expires = run.lease_expires_at ?? clock.now().adding(lease)
                while !Task.isCancelled {
                    do { try await clock.sleep(for: lease / 3) } catch { return nil }
                    do {
                        switch try await store.heartbeat(run._id, owner: owner, now: clock.now(), lease: lease, progress: handle.takeProgress()) {
                        case .held: expires = clock.now().adding(lease)
                        case .cancelRequested: return .stopped(.cancelRequested)
                        case .lost: return .stopped(.leaseLost)
                        }
                    } catch {
                        // A failed heartbeat is retried at the next beat, until the lease would have lapsed.
                        if clock.now() >= expires { return .stopped(.leaseLost) }
                    }
                }
                return nil
            }
            group.addTask {
                // Progress between heartbeats: a change is written within two seconds (`lodestar jobs runs`).
                while !Task.isCancelled {
                    do { try await clock.sleep(for: .seconds(2)) } catch { return nil }
                    if let text = handle.takeProgress() { try? await store.progress(run._id, owner: owner, text: text) }
                }
                return nil
            }
            if let ms = run.timeout_ms {
                group.addTask {
                    do { try await clock.sleep(for: .milliseconds(ms)) } catch { return nil }
                    return .stopped(.timedOut(.milliseconds(ms)))
                }
            }
            var first: Outcome?
            while let next = await group.next() {
                guard let o = next else { continue }
                first = o
                break
            }
            group.cancelAll()
            if case .stopped(let reason) = first { handle.stop(reason) }
            return first ?? .threw("stopped", cancelled: true)
        }
        await record(outcome, of: run, stop: handle.stopReason, log: log)
    }

    /// Writes how the attempt ended (retry, final state), unless the lease was lost.
    nonisolated func record(_ outcome: Outcome, of run: RunDocument, stop: StopReason?, log: Logger) async {
        let now = clock.now()
        let ending: RunStore.Ending
        switch (outcome, stop) {
        case (_, .leaseLost?):
            log.error("lease lost: the run stopped and its result is dropped (another replica takes it over)")
            return
        case (.done(let m), nil):
            ending = .succeeded(m)
        case (_, .cancelRequested?):
            ending = .cancelled(reason: "cancelled by request")
        case (_, .interrupted?):
            ending = .interrupted
        case (_, .timedOut(let d)?):
            ending = failure(run, error: "timed out after \(DurationText.format(d)) (the run was cancelled)", outcome: .timedOut, now: now)
        case (.threw(let message, _), _):
            ending = failure(run, error: message, outcome: .failed, now: now)
        case (.done(let m), _):
            ending = .succeeded(m)
        case (.stopped, nil):
            ending = failure(run, error: "stopped", outcome: .failed, now: now)
        }
        do {
            let ok = try await endings.finish(run, now: now, ending: ending)
            if !ok { log.error("the run was no longer ours when it ended; its result is dropped") }
            log.info("run ended", metadata: ["ending": "\(ending.summary)"])
        } catch {
            log.error("could not record the end of the run (its lease will lapse and another replica redoes it)", metadata: ["error": "\(error)"])
        }
    }

    /// A failed attempt: queued again after the backoff while attempts remain, else final.
    nonisolated func failure(_ run: RunDocument, error: String, outcome: AttemptOutcome, now: Date) -> RunStore.Ending {
        let failedSoFar = run.attempts.filter { $0.result?.usesARetry == true }.count + 1
        guard failedSoFar < run.max_attempts else { return .failed(error: error, outcome: outcome, retryAt: nil) }
        let policy = RetryPolicy(maxRetries: run.max_attempts - 1, backoff: RetryPolicy.Backoff(rawValue: run.retry_backoff) ?? .exponential,
                                 initial: .milliseconds(run.retry_initial_ms), maxDelay: .milliseconds(run.retry_max_delay_ms),
                                 jitter: run.retry_jitter)
        let delay = policy.delay(afterAttempt: failedSoFar, unit: random())
        return .failed(error: error, outcome: outcome, retryAt: now.adding(delay))
    }
}
