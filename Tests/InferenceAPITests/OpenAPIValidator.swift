import Foundation
@testable import InferenceAPI

/// Checks responses against the served OpenAPI document (the subset of JSON Schema it uses: `$ref`, `type` (also
/// as a list), `properties`, `required`, `additionalProperties`, `items`, `maxItems`, `enum`, `minimum`/`maximum`,
/// `minLength`/`maxLength`, `pattern`, `oneOf`, `format: date-time`).
///
/// `@unchecked Sendable`: `document` is parsed once in `init` and only read afterwards.
struct OpenAPIValidator: @unchecked Sendable {
    let document: [String: Any]

    init() throws {
        document = try JSONSerialization.jsonObject(with: Data(try OpenAPIDocument.load().json)) as! [String: Any]
    }

    var paths: [String: [String: Any]] { document["paths"] as! [String: [String: Any]] }

    /// The path template of the spec that `path` matches (parameters are whole segments).
    func template(for path: String) -> String? {
        let segments = path.split(separator: "?")[0].split(separator: "/", omittingEmptySubsequences: false)
        return paths.keys.first { t in
            let ts = t.split(separator: "/", omittingEmptySubsequences: false)
            return ts.count == segments.count && zip(ts, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
    }

    /// Problems of one response (empty when it conforms): the status must be documented for the operation and the
    /// body must match that response's JSON schema.
    func problems(method: String, path: String, status: Int, contentType: String?, body: Data) -> [String] {
        guard let t = template(for: path) else { return ["\(path): no such path in the spec"] }
        guard let op = paths[t]?[method.lowercased()] as? [String: Any] else { return ["\(method) \(t): not in the spec"] }
        let responses = op["responses"] as! [String: Any]
        guard var response = responses[String(status)] as? [String: Any] else {
            return ["\(method) \(t): status \(status) is not documented"]
        }
        if let ref = response["$ref"] as? String { response = resolve(ref) }
        guard let content = response["content"] as? [String: Any] else { return body.isEmpty ? [] : ["\(t) \(status): unexpected body"] }
        if let json = content["application/json"] as? [String: Any] {
            guard contentType?.hasPrefix("application/json") == true else { return ["\(t) \(status): content type \(contentType ?? "none")"] }
            guard let value = JSONValue.parse(body) else {
                return ["\(t) \(status): body is not JSON"]
            }
            return validate(value, json["schema"] as! [String: Any], at: "\(method) \(t) \(status) body")
        }
        if content["text/plain"] != nil {
            return contentType?.hasPrefix("text/plain") == true ? [] : ["\(t) \(status): content type \(contentType ?? "none")"]
        }
        if content["application/yaml"] != nil {  // only /openapi.yaml, whose bytes OpenAPIContractTests compare
            return contentType?.hasPrefix("application/yaml") == true ? [] : ["\(t) \(status): content type \(contentType ?? "none")"]
        }
        return ["\(t) \(status): no known content type"]
    }

    func resolve(_ ref: String) -> [String: Any] {
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as! [String: Any])[String(part)]! }
        return node as! [String: Any]
    }

    func validate(_ value: JSONValue, _ schemaIn: [String: Any], at path: String) -> [String] {
        var schema = schemaIn
        if let ref = schema["$ref"] as? String { schema = resolve(ref) }
        var out: [String] = []
        if let oneOf = schema["oneOf"] as? [[String: Any]] {
            let matches = oneOf.filter { validate(value, $0, at: path).isEmpty }.count
            if matches != 1 { out.append("\(path): matches \(matches) of oneOf") }
            return out
        }
        if let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map({ [$0] }) {
            guard types.contains(where: { Self.isType(value, $0) }) else { return ["\(path): \(value) is not \(types)"] }
        }
        if let e = schema["enum"] as? [String] {
            guard case .string(let s) = value, e.contains(s) else { return ["\(path): \(value) not in \(e)"] }
        }
        switch value {
        case .string(let s):
            if let n = schema["minLength"] as? Int, s.count < n { out.append("\(path): shorter than \(n)") }
            if let n = schema["maxLength"] as? Int, s.count > n { out.append("\(path): longer than \(n)") }
            if let p = schema["pattern"] as? String, s.range(of: p, options: .regularExpression) == nil { out.append("\(path): \(s) !~ \(p)") }
            if schema["format"] as? String == "date-time", ISO8601DateFormatter().date(from: s) == nil { out.append("\(path): \(s) not a date-time") }
        case .number(let n):
            if let m = (schema["minimum"] as? NSNumber)?.doubleValue, n < m { out.append("\(path): \(n) < \(m)") }
            if let m = (schema["maximum"] as? NSNumber)?.doubleValue, n > m { out.append("\(path): \(n) > \(m)") }
        case .array(let a):
            if let n = schema["maxItems"] as? Int, a.count > n { out.append("\(path): more than \(n) items") }
            if let items = schema["items"] as? [String: Any] {
                for (i, v) in a.enumerated() { out += validate(v, items, at: "\(path)[\(i)]") }
            }
        case .object(let o):
            let props = schema["properties"] as? [String: [String: Any]] ?? [:]
            for r in schema["required"] as? [String] ?? [] where o[r] == nil { out.append("\(path): missing \(r)") }
            for (k, v) in o {
                if let p = props[k] {
                    out += validate(v, p, at: "\(path).\(k)")
                } else if let extra = schema["additionalProperties"] {
                    if let s = extra as? [String: Any] {
                        out += validate(v, s, at: "\(path).\(k)")
                    } else if (extra as? NSNumber)?.boolValue == false {
                        out.append("\(path): unexpected property \(k)")
                    }
                }
            }
        default: break
        }
        return out
    }

    static func isType(_ v: JSONValue, _ t: String) -> Bool {
        switch (t, v) {
        case ("null", .null), ("string", .string), ("boolean", .bool), ("number", .number), ("array", .array), ("object", .object): true
        case ("integer", .number(let n)): n == n.rounded()
        default: false
        }
    }
}
