import Foundation
import Yams

/// The OpenAPI document: `Resources/openapi.yaml`, the contract, shipped as this module's resource and read once.
/// `GET /openapi.yaml` serves the file's bytes as they are; `GET /openapi.json` serves the same document as JSON,
/// converted here when it is read (keys in the file's order), so the file is the one copy.
///
/// The resource bundle (`Lodestar_InferenceAPI.resources`) is found beside the executable (`deploy/build.sh` stages
/// it next to `bin/lodestar`) or in the build folder. `OperationsRoutes` reads ``bundled`` when the router is made,
/// before the server listens, so a process without the bundle stops at start (`Bundle.module`'s own check), not at the
/// first request for the document.
struct OpenAPIDocument: Sendable {
    /// The file's bytes.
    let yaml: [UInt8]
    /// The same document as JSON.
    let json: [UInt8]

    /// `openapi.yaml` from the module's resource bundle, read once; a document that cannot be read stops the process
    /// (the contract tests read it through ``load()``, which throws instead).
    static let bundled: OpenAPIDocument = {
        do { return try load() } catch { fatalError("\(error)") }
    }()

    /// Reads `openapi.yaml` from the module's resource bundle.
    static func load() throws -> OpenAPIDocument {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw OpenAPIDocumentError("missing from the resource bundle \(Bundle.module.bundlePath)")
        }
        return try OpenAPIDocument(yaml: Array(try Data(contentsOf: url)))
    }

    /// Reads a document (YAML 1.1 scalars, as PyYAML and the contract test read them); throws when it is not UTF-8,
    /// not YAML, or has what JSON cannot carry (a non-string key, a repeated key, a timestamp, a non-finite number).
    init(yaml: [UInt8]) throws {
        guard let text = String(data: Data(yaml), encoding: .utf8) else { throw OpenAPIDocumentError("not UTF-8 text") }
        guard let root = try Yams.compose(yaml: text) else { throw OpenAPIDocumentError("empty document") }
        let value = try Value(root)
        var writer = JSONWriter(capacity: yaml.count)
        value.write(to: &writer)
        self.yaml = yaml
        json = writer.bytes
    }

    /// A JSON value with object members in document order.
    private indirect enum Value {
        case null, bool(Bool), integer(Int), number(Double), string(String)
        case array([Value])
        case object([(String, Value)])

        init(_ node: Node) throws {
            let at = Self.position(node)
            switch node {
            case .scalar(let scalar):
                let text = scalar.string
                switch Tag.Name(rawValue: node.tag.description) {
                case .null: self = .null
                case .bool:
                    guard let b = node.bool else { throw OpenAPIDocumentError("\(at)unreadable boolean '\(text)'") }
                    self = .bool(b)
                case .int:
                    guard let i = node.int else { throw OpenAPIDocumentError("\(at)unreadable integer '\(text)'") }
                    self = .integer(i)
                case .float:
                    guard let d = node.float, d.isFinite else { throw OpenAPIDocumentError("\(at)'\(text)' is not a finite number") }
                    self = .number(d)
                case .str: self = .string(text)
                default: throw OpenAPIDocumentError("\(at)'\(text)' (\(node.tag)) has no JSON form; quote it")
                }
            case .sequence(let sequence):
                self = .array(try sequence.map(Value.init))
            case .mapping(let mapping):
                var members: [(String, Value)] = [], seen: Set<String> = []
                for (key, value) in mapping {
                    let keyTag = Tag.Name(rawValue: key.tag.description)
                    guard case .scalar(let k) = key, keyTag == .str || keyTag == .int else {
                        throw OpenAPIDocumentError("\(Self.position(key))a key that is not a string")
                    }
                    guard seen.insert(k.string).inserted else {
                        throw OpenAPIDocumentError("\(Self.position(key))the key '\(k.string)' a second time")
                    }
                    members.append((k.string, try Value(value)))
                }
                self = .object(members)
            }
        }

        private static func position(_ node: Node) -> String { node.mark.map { "line \($0.line): " } ?? "" }

        func write(to w: inout JSONWriter) {
            switch self {
            case .null: w.null()
            case .bool(let b): w.bool(b)
            case .integer(let i): w.integer(i)
            case .number(let d): w.number(d)
            case .string(let s): w.string(s)
            case .array(let items): w.array { w in for item in items { item.write(to: &w) } }
            case .object(let members): w.object { w in for (k, v) in members { w.field(k) { v.write(to: &$0) } } }
            }
        }
    }
}

struct OpenAPIDocumentError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = "openapi.yaml: \(description)" }
}
