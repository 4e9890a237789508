import Logging
public import ServiceLifecycle

/// The scheduler as a swift-service-lifecycle `Service` (`lodestar serve --only scheduler`). On graceful shutdown
/// (SIGTERM) it stops claiming, lets running work finish for up to `shutdownGrace`, then stops what is left and
/// queues it again with its lease released, and returns.
public struct SchedulerService: Service {
    public let scheduler: Scheduler

    public init(scheduler: Scheduler) { self.scheduler = scheduler }

    public func run() async throws {
        try await scheduler.prepare()
        await cancelWhenGracefulShutdown { await scheduler.run() }
        let running = await scheduler.running.count
        scheduler.logger.info("scheduler draining", metadata: ["running": "\(running)",
                                                              "grace_s": "\(scheduler.configuration.shutdownGrace.seconds)"])
        await scheduler.drain(grace: scheduler.configuration.shutdownGrace)
        scheduler.logger.info("scheduler stopped")
    }
}
