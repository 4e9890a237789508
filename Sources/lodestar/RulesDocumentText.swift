import Foundation
import LearningStore
import Yams

/// A rules file as `lodestar tenants rules set` reads it: JSON as it is, or YAML (1.1 scalars)
/// turned into the same JSON, so one reader (`RecommendationRules.decode(json:)`) checks both and names the field of
/// a mistake. YAML timestamps (`until: 2027-03-31T00:00:00Z`) stay the text they are; what JSON cannot carry (a key
/// that is not a string, a key given twice, a non-finite number) is refused.
enum RulesDocumentText {
    /// The largest rules file read (the API takes at most 256 KiB of JSON).
    static let maximumBytes = 256 * 1024

    /// The document as JSON bytes.
    static func json(_ bytes: Data) throws(RuleError) -> Data {
        guard bytes.count <= maximumBytes else {
            throw RuleError(RecommendationRules.documentField, "\(bytes.count) bytes; at most \(maximumBytes)")
        }
        if (try? JSONSerialization.jsonObject(with: bytes)) != nil { return bytes }
        guard let text = String(data: bytes, encoding: .utf8) else { throw RuleError(RecommendationRules.documentField, "not UTF-8 text") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw RuleError(RecommendationRules.documentField, "neither JSON nor YAML (\(String("\(error)".prefix(200))))")
        }
        guard let root else { throw RuleError(RecommendationRules.documentField, "empty") }
        let value = try Self.value(root, path: "")
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) else {
            throw RuleError(RecommendationRules.documentField, "has no JSON form")
        }
        return data
    }

    private static func value(_ node: Node, path: String) throws(RuleError) -> Any {
        let field = path.isEmpty ? RecommendationRules.documentField : path
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.description) {
            case .null: return NSNull()
            case .bool: if let b = node.bool { return b }
            case .int: if let i = node.int { return i }
            case .float:
                guard let d = node.float, d.isFinite else { throw RuleError(field, "'\(scalar.string)' is not a finite number") }
                return d
            default: break
            }
            return scalar.string
        case .sequence(let sequence):
            var out: [Any] = []
            for (i, item) in sequence.enumerated() { out.append(try value(item, path: "\(path)[\(i)]")) }
            return out
        case .mapping(let mapping):
            var out: [String: Any] = [:]
            for (key, item) in mapping {
                guard case .scalar(let k) = key else { throw RuleError(field, "a key that is not a string") }
                let p = path.isEmpty ? k.string : "\(path).\(k.string)"
                guard out[k.string] == nil else { throw RuleError(p, "given twice") }
                out[k.string] = try value(item, path: p)
            }
            return out
        }
    }
}
