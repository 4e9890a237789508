import Foundation
import LearningEvents

/// The position after the last item of an at-risk page: the version being paged (so a page never mixes two
/// versions, even if a new one becomes active meanwhile) and the sort key (risk desc, learner_id, course_id) of
/// the last item. Sent to clients as opaque base64url JSON; everything in it is checked on the way back in.
struct AtRiskCursor: Codable, Equatable {
    /// Model version.
    let v: String
    /// Risk of the last item.
    let r: Double
    /// Learner of the last item.
    let l: String
    /// Course of the last item.
    let c: String

    /// The longest cursor accepted.
    static let maximumLength = 1024

    var encoded: String { Base64URL.encode((try? JSONEncoder().encode(self)) ?? Data()) }

    /// Decodes and checks a client's cursor; 400 when anything is off.
    static func decode(_ text: String) throws -> AtRiskCursor {
        guard text.utf8.count <= maximumLength, let data = Base64URL.decode(text[...]),
              let cursor = try? JSONDecoder().decode(AtRiskCursor.self, from: data),
              Identifier.isValid(cursor.v), Identifier.isValid(cursor.l), Identifier.isValid(cursor.c),
              cursor.r.isFinite, cursor.r >= 0, cursor.r <= 1
        else { throw APIError.invalid("cursor", "not a cursor this API issued") }
        return cursor
    }
}
