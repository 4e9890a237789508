import LearningEvents
/// The checks that keep a tenant scope closed: what a filter, a document, an update or an aggregation
/// pipeline may contain. Pure functions over `BSONDocument`, so they are tested without a server.
///
/// The rule: the scope owns `tenant_id`. A filter may not name it (the scope prepends `tenant_id: T`, and
/// every other condition is ANDed with it); a document is stamped with it; an update may not set, unset,
/// rename to or from, or reach inside it by any operator; an update pipeline (an array) is refused since
/// its stages could compute a new `tenant_id`; aggregation stages that read other collections or write
/// (`$lookup`, `$graphLookup`, `$unionWith`, `$out`, `$merge`, …) are refused in every scope.
enum TenantGuard {
    /// Stages an aggregation may use: none of them reads another collection or writes.
    static let allowedStages: Set<String> = [
        "$match", "$group", "$sort", "$limit", "$skip", "$project", "$addFields", "$set", "$unset", "$unwind",
        "$count", "$sortByCount", "$bucket", "$replaceRoot", "$replaceWith", "$sample",
    ]

    static func rejected(_ operation: String, _ collection: String, _ message: String) -> MongoError {
        MongoError(kind: .rejected, operation: operation, collection: collection, message: message)
    }

    /// True for `tenant_id` itself or any path below it (`tenant_id.x`, `tenant_id.$[]`).
    static func isTenantPath(_ path: String) -> Bool {
        path == "tenant_id" || path.hasPrefix("tenant_id.")
    }

    /// `filter` with `tenant_id: tenant` first; refuses a filter that names `tenant_id` at its top level.
    static func scoped(_ filter: BSONDocument, tenant: TenantID, _ operation: String, _ collection: String) throws -> BSONDocument {
        if filter.keys.contains(where: isTenantPath) {
            throw rejected(operation, collection, "a tenant-scoped filter may not name tenant_id; the scope adds \(tenant)")
        }
        var out: BSONDocument = ["tenant_id": .string(tenant.rawValue)]
        for e in filter { out.append(e.key, e.value) }
        return out
    }

    /// `document` with `tenant_id: tenant` first; refuses one that names another tenant or a path below `tenant_id`.
    static func stamped(_ document: BSONDocument, tenant: TenantID, _ operation: String, _ collection: String) throws -> BSONDocument {
        for e in document where isTenantPath(e.key) {
            guard e.key == "tenant_id", e.value == .string(tenant.rawValue) else {
                throw rejected(operation, collection, "document names \(e.key) \(e.value) in the scope of \(tenant)")
            }
        }
        var out: BSONDocument = ["tenant_id": .string(tenant.rawValue)]
        for e in document where e.key != "tenant_id" { out.append(e.key, e.value) }
        return out
    }

    /// An update (operators such as `$set`, or a replacement document) that cannot touch `tenant_id`.
    static func checkedUpdate(_ update: BSONDocument, tenant: TenantID, _ operation: String, _ collection: String) throws -> BSONDocument {
        guard !update.isEmpty else { throw rejected(operation, collection, "empty update") }
        let operators = update.keys.filter { $0.hasPrefix("$") }
        if operators.isEmpty { return try stamped(update, tenant: tenant, operation, collection) }
        guard operators.count == update.count else {
            throw rejected(operation, collection, "an update mixes operators and fields")
        }
        for op in update {
            guard case .document(let fields) = op.value else {
                throw rejected(operation, collection, "\(op.key) takes a document of fields")
            }
            for field in fields {
                if isTenantPath(field.key) {
                    throw rejected(operation, collection, "an update may not change tenant_id (\(op.key) \(field.key))")
                }
                // `$rename: {a: "tenant_id"}` names the tenant field in a value position.
                if op.key == "$rename", case .string(let target) = field.value, isTenantPath(target) {
                    throw rejected(operation, collection, "an update may not rename a field to tenant_id")
                }
            }
        }
        return update
    }

    /// Refuses stages outside `allowedStages` (in every scope: a platform collection's pipeline could
    /// otherwise `$lookup` into a tenant collection).
    static func checkedPipeline(_ pipeline: [BSONDocument], _ collection: String) throws {
        for stage in pipeline {
            guard stage.count == 1, let op = stage.keys.first, allowedStages.contains(op) else {
                throw rejected("aggregate", collection, "stage \(stage.keys.first ?? "{}") is not allowed")
            }
        }
    }
}
