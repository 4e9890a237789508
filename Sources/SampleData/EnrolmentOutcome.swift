/// How one simulated enrolment ends, whether or not the end falls before the export date.
struct EnrolmentOutcome {
    /// When the learner enrolled (microseconds since the epoch).
    var enrolledAt: Int64
    /// Withdrawn (else completed).
    var withdrawn: Bool
    /// When the course was completed or the learner withdrew.
    var outcomeAt: Int64
    /// Lessons finished by then.
    var lessonsDone: Int
    /// The onset of disengagement, when it came before the outcome.
    var disengagedAt: Int64?
    /// Events written to the export (those before the export date).
    var eventsWritten: Int
}
