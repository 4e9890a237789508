import Foundation

/// Waits (real time) until `condition` holds, polling every `poll`, up to `seconds`; returns whether it held. For
/// state another process or server reaches (a replica's log, a run's status); in-process events are awaited instead.
public func eventually(_ seconds: Double = 10, every poll: Duration = .milliseconds(20),
                       _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: poll)
    }
    return try await condition()
}
