/// A ``DedicatedThreadPool`` as a `TaskExecutor`: a task that prefers the pool runs its nonisolated async code on
/// the pool's threads, so blocking reads and decoding between its suspension points stay off the cooperative pool.
///
/// ```swift
/// let batch = await withTaskExecutorPreference(readers) { await reader.nextBatch(maxRows: 32_768) }
/// ```
@available(macOS 15.0, *)
extension DedicatedThreadPool: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        // A pool shutting down has no thread left to run the job on; run it here rather than lose the task.
        if !submit({ job.runSynchronously(on: executor) }) { job.runSynchronously(on: executor) }
    }
}
