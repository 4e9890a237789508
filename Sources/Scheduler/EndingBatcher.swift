import Foundation

/// Gathers the ends of attempts that finish close together and writes them in one round trip (each still its own
/// conditional update, pinned to its owner and attempt). With many short runs most of a replica's writes are these.
actor EndingBatcher {
    let store: RunStore
    let owner: String
    /// How long a first ending waits for others.
    let window: Duration
    private var pending: [(item: (run: RunDocument, now: Date, ending: RunStore.Ending), done: CheckedContinuation<Bool, any Error>)] = []
    private var flushing = false

    init(store: RunStore, owner: String, window: Duration = .milliseconds(5)) {
        self.store = store
        self.owner = owner
        self.window = window
    }

    /// Records one attempt's end; false when the run was no longer this owner's.
    func finish(_ run: RunDocument, now: Date, ending: RunStore.Ending) async throws -> Bool {
        try await withCheckedThrowingContinuation { c in
            pending.append(((run, now, ending), c))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        try? await Task.sleep(for: window)
        while !pending.isEmpty {
            let batch = pending
            pending = []
            do {
                let results = try await store.finishMany(batch.map(\.item), owner: owner)
                for (b, ok) in zip(batch, results) { b.done.resume(returning: ok) }
            } catch {
                for b in batch { b.done.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
