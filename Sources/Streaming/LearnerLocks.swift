/// In-process locks on learners: a batch applies only while no other batch of this process holds one of its
/// learners, so the pullers of one consumer never write the same `learner_features` documents in two transactions
/// at once (a write conflict aborts one of them, and on a busy learner the retries pile up). All of a batch's
/// learners are taken at once or not at all, so two batches never wait for each other. Replicas rely on the
/// server's write-conflict detection instead.
actor LearnerLocks {
    private var held = Set<LearnerKey>()
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock(_ keys: Set<LearnerKey>) async {
        while !held.isDisjoint(with: keys) {
            await withCheckedContinuation { waiters.append($0) }
        }
        held.formUnion(keys)
    }

    func unlock(_ keys: Set<LearnerKey>) {
        held.subtract(keys)
        let w = waiters
        waiters = []
        for c in w { c.resume() }
    }
}
