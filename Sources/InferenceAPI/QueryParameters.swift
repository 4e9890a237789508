import Hummingbird
import LearningEvents

/// Query values with their rules; anything else is a clear 400 naming the parameter.
struct QueryParameters {
    let request: Request

    init(_ request: Request) { self.request = request }

    private func single(_ name: String) throws -> String? {
        let all = request.uri.queryParameters[values: name[...]]
        guard all.count <= 1 else { throw APIError.invalid(name, "given more than once") }
        return all.first.map { String($0) }  // Hummingbird has percent-decoded query values already
    }

    /// An integer in `range`, or `fallback` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let text = try single(name) else { return fallback }
        guard let v = Int(text), range.contains(v) else {
            throw APIError.invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    /// A number in `range`, or `fallback` when absent.
    func number(_ name: String, in range: ClosedRange<Double>, default fallback: Double) throws -> Double {
        guard let text = try single(name) else { return fallback }
        guard text.utf8.count <= 32, let v = Double(text), v.isFinite, range.contains(v) else {
            throw APIError.invalid(name, "must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    /// An identifier, or nil when absent.
    func identifier(_ name: String) throws -> String? {
        guard let text = try single(name) else { return nil }
        guard Identifier.isValid(text) else {
            throw APIError.invalid(name, "not an identifier (1–128 of A–Z a–z 0–9 . _ : @ -, not starting with '.')")
        }
        return text
    }

    /// A raw string of at most `maxLength` bytes, or nil when absent.
    func string(_ name: String, maxLength: Int) throws -> String? {
        guard let text = try single(name) else { return nil }
        guard !text.isEmpty, text.utf8.count <= maxLength else { throw APIError.invalid(name, "must be 1 to \(maxLength) characters") }
        return text
    }

    /// 400 for parameters the route does not take (a typo must not silently widen a query).
    func onlyKnown(_ names: Set<String>) throws {
        for (key, _) in request.uri.queryParameters where !names.contains(String(key)) {
            throw APIError.invalid(String(key.prefix(64)), "unknown query parameter")
        }
    }
}
