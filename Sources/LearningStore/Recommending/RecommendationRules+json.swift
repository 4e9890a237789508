public import Foundation
import LearningEvents

extension RecommendationRules {
    /// Reads a rules document from JSON (the body of `PUT …/recommendation-rules`, or a file given to
    /// `lodestar tenants rules set` after YAML is turned into JSON). A document that is not a JSON object, a value of
    /// the wrong type, a key the rules do not have (a typo must not be ignored silently) or a date that is not RFC 3339
    /// throws ``RuleError`` whose `field` is the key path (`pinned[2].position`, `boosts.categories.sales`). Limits are
    /// not checked here: call ``validate()`` (the store does on every write).
    ///
    /// ```swift
    /// let rules = try RecommendationRules.decode(json: Data(#"{"pinned": [{"course_id": "c1", "position": 1}]}"#.utf8))
    /// try rules.validate()
    /// ```
    public static func decode(json data: Data) throws(RuleError) -> RecommendationRules {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { d in
            let c = try d.singleValueContainer()
            let text = try c.decode(String.self)
            guard text.utf8.count <= 64, let micros = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(String(text.prefix(64)).debugDescription) is not an RFC 3339 date-time")
            }
            return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        }
        let rules: RecommendationRules
        do {
            rules = try decoder.decode(RecommendationRules.self, from: data)
        } catch let e as DecodingError {
            throw ruleError(e)
        } catch {
            throw RuleError(documentField, "not a JSON object of rules")
        }
        // Keys the rules do not have: every key of the input must come back when the decoded rules are encoded
        // again (a null may go: an absent optional reads as null). Derived from the type, so a field added to
        // `RecommendationRules` is known here without a list to keep in step.
        guard let input = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
              let known = try? JSONSerialization.jsonObject(with: rules.jsonData())
        else { throw RuleError(documentField, "not a JSON object of rules") }
        if let unknown = unknownKey(input, known, path: "") { throw RuleError(unknown, "not a field of the rules") }
        return rules
    }

    /// The rules as JSON (sorted keys, RFC 3339 dates), as the API answers them.
    public func jsonData(pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The name a whole-document error gives as its field.
    public static let documentField = "document"

    /// A key path of a `DecodingError` as a `RuleError`: `pinned[2].position: expected an integer`.
    static func ruleError(_ error: DecodingError) -> RuleError {
        switch error {
        case .typeMismatch(let type, let c):
            return RuleError(path(c.codingPath), "expected \(describe(type))")
        case .valueNotFound(let type, let c):
            return RuleError(path(c.codingPath), "expected \(describe(type)), found null")
        case .keyNotFound(let key, let c):
            return RuleError(path(c.codingPath + [key]), "missing")
        case .dataCorrupted(let c):
            if c.codingPath.isEmpty { return RuleError(documentField, "not valid JSON") }
            return RuleError(path(c.codingPath), String(c.debugDescription.prefix(200)))
        @unknown default:
            return RuleError(documentField, "not a JSON object of rules")
        }
    }

    /// `pinned[2].position` from a coding path (array indexes in brackets, keys joined by dots).
    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for k in keys {
            // An array position (JSONDecoder names it "Index N"); a dictionary key that reads as a number ("0") is a key.
            if let i = k.intValue, k.stringValue == "Index \(i)" || k.stringValue.isEmpty {
                out += "[\(i)]"
            } else {
                out += out.isEmpty ? k.stringValue : "." + k.stringValue
            }
        }
        return out.isEmpty ? documentField : String(out.prefix(300))
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type, is Date.Type: "a string"
        case is [Any].Type, is [String].Type, is [Pin].Type: "a list"
        default: "an object"
        }
    }

    /// The first key of `input` (a JSON object tree) that `known` (the decoded rules, encoded again) lacks.
    static func unknownKey(_ input: Any, _ known: Any, path: String) -> String? {
        if let object = input as? [String: Any] {
            let knownObject = known as? [String: Any] ?? [:]
            for key in object.keys.sorted() {
                let p = path.isEmpty ? key : "\(path).\(key)"
                guard let k = knownObject[key] else {
                    if object[key] is NSNull { continue }
                    return String(p.prefix(300))
                }
                if let found = unknownKey(object[key]!, k, path: p) { return found }
            }
        } else if let array = input as? [Any], let knownArray = known as? [Any], array.count == knownArray.count {
            for (i, v) in array.enumerated() {
                if let found = unknownKey(v, knownArray[i], path: "\(path)[\(i)]") { return found }
            }
        }
        return nil
    }
}
