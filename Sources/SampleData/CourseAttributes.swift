/// A generated course's catalog attributes for recommendation rules (drawn by
/// `Generator.courseAttributes(tenant:courses:lastEnrolment:)`).
struct CourseAttributes {
    var language: String?
    var categories: [String] = []
    var publishedAt: Int64?
    var expiresAt: Int64?
    var prerequisites: [String] = []
}
