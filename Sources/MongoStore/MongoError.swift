/// An error from MongoDB or from MongoStore's own checks, naming the operation and the collection.
///
/// `code` is the server's error code where there is one: `isDuplicateKey` tells an 11000 apart.
public struct MongoError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server or the driver reported an error (`code` is the server code where there is one).
        case server
        /// A connection string that libmongoc rejects.
        case invalidURI
        /// A value that cannot be stored as BSON (e.g. a key with a NUL byte) or read back as the expected type.
        case encoding
        /// A request MongoStore refuses, e.g. a filter that tries to name another tenant.
        case rejected
    }

    public let kind: Kind
    public let code: Int
    public let domain: Int
    public let operation: String
    public let collection: String?
    public let message: String
    /// The server's `errorLabels` (e.g. `TransientTransactionError`, `UnknownTransactionCommitResult`), when the
    /// reply carried them.
    public let labels: [String]

    public init(kind: Kind, code: Int = 0, domain: Int = 0, operation: String, collection: String?, message: String,
                labels: [String] = []) {
        self.kind = kind
        self.code = code
        self.domain = domain
        self.operation = operation
        self.collection = collection
        self.message = message
        self.labels = labels
    }

    /// True when the whole transaction may be retried: labelled `TransientTransactionError`, or a write
    /// conflict (112) / no such transaction (251), which servers label that way.
    public var isTransientTransactionError: Bool {
        labels.contains("TransientTransactionError") || code == 112 || code == 251
    }

    /// True when a commit's outcome is unknown (network error during commit): the commit may be retried.
    public var isUnknownCommitResult: Bool { labels.contains("UnknownTransactionCommitResult") }

    /// True for a unique-index violation (server code 11000).
    public var isDuplicateKey: Bool { code == 11000 }

    public var description: String {
        let on = collection.map { " on \($0)" } ?? ""
        let c = code != 0 ? " (code \(code))" : ""
        return "MongoDB \(operation)\(on) failed\(c): \(message)"
    }
}
