import ArgumentParser
import EventSources
import Foundation
import GoogleCloud
import LearningEvents
import Streaming

/// `lodestar publish PATH… --topic T`: replays an export into a topic, one message per valid event (the JSON the
/// consumer reads, with the event's tenant in the `tenant_id` attribute the consumer checks the body against), with
/// the learner as ordering key, for backfills and demos. Rows the readers refuse are counted and not sent.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Replay an export (files, folders, globs, gs://) into a Pub/Sub topic, ordered per learner.")

    @Argument(help: "Export files, folders, globs (quote them) or gs://bucket/prefix*") var paths: [String]
    @Option(help: "The topic.") var topic: String
    @Option(help: "Only events after this time (the tail a nightly run with this cutoff has not seen).") var after: String?
    @Option(help: "Only events up to this time.") var until: String?
    @Flag(help: "Send no ordering keys.") var noOrderingKeys = false
    @Option(help: "Messages per publish request (1…1000).") var batch = 1000
    @Option(help: "Publish requests in flight (each learner's events stay in one lane, in order).") var lanes = 4

    func validate() throws {
        try FlagRange.check(batch, 1...1000, "--batch")
        try FlagRange.check(lanes, 1...64, "--lanes")
        if let after, Timestamp.parse(after) == nil { throw ValidationError("cannot read --after '\(after)'") }
        if let until, Timestamp.parse(until) == nil { throw ValidationError("cannot read --until '\(until)'") }
    }

    func run() async throws {
        let config = Configuration()
        let client = try await config.googleCloud.pubSubClient()
        _ = try client.topicPath(topic)
        let source = ExportSource(paths, gcs: try config.remoteStorage(for: paths).gcs)
        let lower = after.flatMap(Timestamp.parse) ?? .min, upper = until.flatMap(Timestamp.parse) ?? .max
        var symbols = SymbolTable()
        var pending = [[PubSubMessage]](repeating: [], count: lanes)
        var published = 0, skipped = 0, refused = 0, failedFiles = 0
        let start = ContinuousClock.now
        let topic = topic, lanes = lanes, batch = batch, ordering = !noOrderingKeys
        func flush(_ all: Bool) async throws {
            // Lanes with a full request (or all, at the end) are sent together; each lane's requests stay in order.
            let ready = (0..<lanes).filter { all ? !pending[$0].isEmpty : pending[$0].count >= batch }
            guard !ready.isEmpty else { return }
            let requests = ready.map { pending[$0] }
            for l in ready { pending[l] = [] }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for messages in requests {
                    group.addTask {
                        var n = 0
                        for lo in stride(from: 0, to: messages.count, by: batch) {
                            n += try await client.publish(topic: topic, messages: Array(messages[lo..<min(messages.count, lo + batch)])).count
                        }
                        return n
                    }
                }
                for try await n in group { published += n }
            }
        }
        for try await b in source.batches() {
            symbols.absorb(b)
            refused += b.quarantined.count
            if b.failure != nil { failedFiles += 1 }
            for i in 0..<b.count {
                let t = b.occurredAt[i]
                guard t > lower, t <= upper else {
                    skipped += 1
                    continue
                }
                let e = b.event(at: i, symbols: symbols)
                let lane = ordering ? Int(Self.hash(e.learnerID) % UInt64(lanes)) : (published + skipped + i) % lanes
                pending[lane].append(EventMessage.message(e, orderingKey: ordering ? e.learnerID : nil))
            }
            try await flush(false)
        }
        try await flush(true)
        let d = ContinuousClock.now - start
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        print("published \(published) events to \(try client.topicPath(topic)) in \(String(format: "%.1f", seconds)) s"
              + " (\(skipped) outside the time range, \(refused) rows refused by the readers, \(failedFiles) files failed)")
        if failedFiles > 0 { throw ExitCode(2) }
    }

    /// FNV-1a of an id: a learner's lane.
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
