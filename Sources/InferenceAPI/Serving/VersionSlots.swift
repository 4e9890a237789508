import Foundation
import Synchronization
import LearningEvents

/// What is loaded for one tenant and kind: the active version's snapshot, or the knowledge that none is active.
struct Loaded<Snapshot: Sendable>: Sendable {
    /// The active version's name; `nil` when the tenant has none.
    let version: String?
    let snapshot: Snapshot?
}

/// The per-tenant slots of one kind of model: loaded lazily on first use (concurrent first requests share one
/// load), replaced in one step when another version becomes active (requests in flight keep the snapshot they
/// hold; none waits or fails during a swap), and retried after a failed load.
final class VersionSlots<Snapshot: Sendable>: Sendable {
    typealias LoadResult = Loaded<Snapshot>

    private struct Slot {
        var value: LoadResult?
        var loading: Task<LoadResult, any Error>?
        var failedAt: ContinuousClock.Instant?
        var failure: String?
    }

    private let slots = Mutex<[TenantID: Slot]>([:])
    /// Reads the active version's name (`nil` when none).
    private let activeVersion: @Sendable (TenantID) async throws -> String?
    /// Loads the active version (reads its document and artifacts).
    private let load: @Sendable (TenantID) async throws -> LoadResult
    /// A failed load is not retried sooner than this (requests meanwhile get the failure at once).
    private let retryAfter: Duration

    init(retryAfter: Duration = .seconds(2), activeVersion: @escaping @Sendable (TenantID) async throws -> String?,
         load: @escaping @Sendable (TenantID) async throws -> LoadResult) {
        self.retryAfter = retryAfter
        self.activeVersion = activeVersion
        self.load = load
    }

    private enum Step {
        case ready(LoadResult)
        case wait(Task<LoadResult, any Error>)
        case failed(String)
    }

    /// Why the tenant's model could not be loaded.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// The tenant's loaded version, loading it first if needed.
    func get(_ tenant: TenantID) async throws -> LoadResult {
        let now = ContinuousClock.now
        let step = slots.withLock { map -> Step in
            var slot = map[tenant] ?? Slot()
            if let v = slot.value { return .ready(v) }
            if let t = slot.loading { return .wait(t) }
            if let at = slot.failedAt, now - at < retryAfter, let f = slot.failure { return .failed(f) }
            let load = self.load
            let t = Task { try await load(tenant) }
            slot.loading = t
            map[tenant] = slot
            return .wait(t)
        }
        switch step {
        case .ready(let v): return v
        case .failed(let f): throw Unavailable(description: f)
        case .wait(let t):
            do {
                let v = try await t.value
                return slots.withLock { map in
                    var slot = map[tenant] ?? Slot()
                    if slot.value == nil { slot.value = v }
                    slot.loading = nil
                    slot.failedAt = nil
                    map[tenant] = slot
                    return slot.value!
                }
            } catch {
                slots.withLock { map in
                    var slot = map[tenant] ?? Slot()
                    slot.loading = nil
                    slot.failedAt = .now
                    slot.failure = "\(error)"
                    map[tenant] = slot
                }
                throw Unavailable(description: "\(error)")
            }
        }
    }

    /// Tenants with a loaded slot.
    var tenants: [TenantID] { slots.withLock { Array($0.compactMap { $0.value.value == nil ? nil : $0.key }) } }

    /// Every loaded value (for gauges and the models route).
    var values: [TenantID: LoadResult] { slots.withLock { $0.compactMapValues(\.value) } }

    /// The loaded value without loading.
    func peek(_ tenant: TenantID) -> LoadResult? { slots.withLock { $0[tenant]?.value } }

    /// Checks the tenant's active version and, when it differs from the loaded one, loads the new one and swaps it
    /// in. Returns true when it swapped. A tenant never used is left alone (loaded lazily on first use).
    @discardableResult
    func refresh(_ tenant: TenantID) async throws -> Bool {
        guard let current = peek(tenant) else { return false }
        let active = try await activeVersion(tenant)
        guard active != current.version else { return false }
        let fresh = try await load(tenant)
        return slots.withLock { map in
            guard var slot = map[tenant] else { return false }
            guard slot.value?.version != fresh.version else { return false }
            slot.value = fresh
            map[tenant] = slot
            return true
        }
    }
}
