extension FeatureDocument {
    /// The enrolment's implicit-feedback weight `r` for fold-in, as training summed it: the confidence kept in
    /// `state` (0 for an enrolment without activity, which training leaves out). A row written without `state` gets
    /// it rebuilt from its counts with `EventWeights.default` (lesson starts are not counted in `learner_features`,
    /// so each completed lesson counts one start).
    public var interactionWeight: Float {
        if let totals = state?.totals {
            guard totals.hasActivity, totals.confidence.isFinite, totals.confidence > 0 else { return 0 }
            return totals.confidence
        }
        let w = EventWeights.default
        var r: Float = enrolled_at == nil ? 0 : w.weight(.enrolled)
        r += Float(max(0, lessons_completed)) * (w.weight(.lessonStarted) + w.weight(.lessonCompleted))
        r += Float(max(0, views)) * w.weight(.contentViewed)
        r += Float(max(0, quiz_attempts)) * w.weight(.quizSubmitted)
        if course_completed { r += w.weight(.courseCompleted) }
        return r
    }
}
