/// A stable mapping between string ids (learner or course ids) and dense indices `0..<count`.
///
/// Built from a set of ids, indices follow the ids' sorted order, so the same ids always give the same indices
/// regardless of the order events arrived in.
public struct IDMap: Sendable, Equatable, Codable {
    /// The ids, by index.
    public private(set) var ids: [String]
    private var index: [String: Int]

    /// A map over `ids` (duplicates collapse); indices follow sorted order.
    public init(_ ids: some Sequence<String>) {
        self.ids = Array(Set(ids)).sorted()
        self.index = Dictionary(uniqueKeysWithValues: self.ids.enumerated().map { ($1, $0) })
    }

    /// A map that keeps `ids` in the given order (for loading a saved model); throws on duplicates.
    public init(ordered ids: [String]) throws {
        var index: [String: Int] = [:]
        index.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() where index.updateValue(i, forKey: id) != nil {
            throw ModelsError.shapeMismatch("duplicate id '\(id)' in id map")
        }
        self.ids = ids
        self.index = index
    }

    /// Builds without the duplicate check (internal: callers pass distinct ids).
    init(uncheckedOrdered ids: [String]) {
        self.ids = ids
        self.index = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Number of ids.
    public var count: Int { ids.count }

    /// The index of `id`, or `nil` when unknown.
    public func index(of id: String) -> Int? { index[id] }

    /// The id at `index`, or `nil` when out of range.
    public func id(at index: Int) -> String? { ids.indices.contains(index) ? ids[index] : nil }

    /// Appends a new id at the end (existing indices never move) and returns its index; returns the existing index
    /// when `id` is already known.
    @discardableResult
    public mutating func insert(_ id: String) -> Int {
        if let i = index[id] { return i }
        ids.append(id)
        index[id] = ids.count - 1
        return ids.count - 1
    }

    enum CodingKeys: String, CodingKey { case ids }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(ordered: c.decode([String].self, forKey: .ids))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ids, forKey: .ids)
    }
}
