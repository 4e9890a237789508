import ArgumentParser
import Foundation
import GoogleCloud
import LearningEvents
import LearningStore
import Logging
import MongoStore
import Streaming

/// Flags of the consumer part of `lodestar serve`.
struct ConsumerOptions: ParsableArguments {
    @Option(help: "Pub/Sub subscription of learning events (overrides PUBSUB_SUBSCRIPTION).") var subscription: String?
    @Option(help: "Concurrent pull loops (each applies its batches in one transaction); default 2.") var pullers: Int?
    @Option(help: "Messages asked for per pull, 1…1000; default 500.") var pullSize: Int?
    @Option(help: "Flow control: most messages held at once; default 4000.") var maxOutstanding: Int?
    @Option(help: "Flow control: most message bytes held at once; default 64 MiB.") var maxOutstandingBytes: Int?
    @Option(help: "Ack deadline kept on held messages, 10…600 s; default 60.") var ackDeadline: Int?
    @Option(help: "Compute streamed features as of this time instead of the wall clock (replays and tests; RFC 3339 or 'YYYY-MM-DD HH:MM:SS UTC').")
    var asOf: String?
    @Option(help: ArgumentHelp("Consumer: accept messages of these tenants only (comma-separated); a message whose tenant_id attribute names another is quarantined with the reason. Default: every tenant.", valueName: "a,b"))
    var tenants: String?

    /// `--tenants` as a set (nil: every tenant).
    var tenantSet: Set<String>? {
        tenants.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }) }
    }

    func validate() throws {
        try FlagRange.check(pullers, 1...64, "--pullers")
        try FlagRange.check(pullSize, 1...1000, "--pull-size")
        try FlagRange.check(maxOutstanding, 1...1_000_000, "--max-outstanding")
        try FlagRange.check(maxOutstandingBytes, 1...(1 << 34), "--max-outstanding-bytes")
        try FlagRange.check(ackDeadline, 10...600, "--ack-deadline")
        if let asOf, Timestamp.parse(asOf) == nil { throw ValidationError("cannot read --as-of '\(asOf)'") }
        if let set = tenantSet {
            if set.isEmpty { throw ValidationError("--tenants needs at least one tenant id (omit it to serve every tenant)") }
            if let bad = set.sorted().first(where: { !Identifier.isValid($0) }) { throw ValidationError("--tenants: '\(bad)' is not a tenant id") }
        }
    }
}

extension ServeCommand {
    /// The Pub/Sub consumer `Service`: the subscription, flow control and clock from flags and the environment,
    /// the Pub/Sub client from the Google Cloud configuration (emulator or credentials).
    func consumerService(db: MongoDatabase, config: Configuration, store: ArtifactStore, logger: Logger) async throws -> PubSubConsumer {
        guard let subscription = consumer.subscription ?? config.pubsubSubscription else {
            throw ValidationError("--only consumer needs a subscription: set PUBSUB_SUBSCRIPTION or pass --subscription")
        }
        var settings = ConsumerConfiguration(subscription: subscription)
        if let v = consumer.pullers { settings.pullers = v }
        if let v = consumer.pullSize { settings.maxMessagesPerPull = v }
        if let v = consumer.maxOutstanding { settings.maxOutstandingMessages = v }
        if let v = consumer.maxOutstandingBytes { settings.maxOutstandingBytes = v }
        if let v = consumer.ackDeadline { settings.ackDeadlineSeconds = v }
        settings.quarantineRetention = Double(config.quarantineTTLDays) * 86_400
        settings.artifacts = store
        settings.tenants = consumer.tenantSet
        if let text = consumer.asOf, let micros = Timestamp.parse(text) {
            let pinned = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            settings.now = { pinned }
        }
        let client = try await config.googleCloud.pubSubClient()
        var log = logger
        log[metadataKey: "part"] = "consumer"
        return PubSubConsumer(client: client, db: db, configuration: settings, logger: log)
    }
}
