/// An ordered BSON document: keys keep their order, as MongoDB needs for sort specs and commands.
public struct BSONDocument: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    public struct Element: Sendable, Hashable {
        public var key: String
        public var value: BSON
        public init(key: String, value: BSON) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var elements: [Element]

    public init() { elements = [] }
    public init(_ elements: [Element]) { self.elements = elements }
    public init(dictionaryLiteral elements: (String, BSON)...) {
        self.elements = elements.map { Element(key: $0.0, value: $0.1) }
    }

    public var isEmpty: Bool { elements.isEmpty }
    public var count: Int { elements.count }
    public var keys: [String] { elements.map(\.key) }

    /// The first value under `key`; setting replaces it in place or appends it, `nil` removes it.
    public subscript(key: String) -> BSON? {
        get { elements.first(where: { $0.key == key })?.value }
        set {
            if let i = elements.firstIndex(where: { $0.key == key }) {
                if let newValue { elements[i].value = newValue } else { elements.remove(at: i) }
            } else if let newValue {
                elements.append(Element(key: key, value: newValue))
            }
        }
    }

    /// Appends without looking for an existing key (for building commands in order).
    public mutating func append(_ key: String, _ value: BSON) { elements.append(Element(key: key, value: value)) }

    public func makeIterator() -> IndexingIterator<[Element]> { elements.makeIterator() }
}
