import Foundation
import LearningEvents

/// A job parameter that maps onto `RefreshOptions` (the `params` of a job file, `--param k=v`). Values are
/// validated here, with the same ranges as the command-line flags, so a job file cannot ask for what a
/// command line could not.
package enum JobParameter: String, Sendable, CaseIterable, Hashable {
    case factors, iterations, regularization, alpha
    case horizonDays = "horizon_days"
    case inactivityDays = "inactivity_days"
    case topK = "top_k"
    case cutoff
    case source
    case catalog
    case evaluate
    /// Whether the recommender searches its hyperparameters (true / false).
    case search
    /// Seconds of recommender search per 100,000 interactions (0…600; the search's budget grows with the data, and
    /// is never below 20 s).
    case searchBudget = "search_budget"
    /// How long a `noop` run waits (seconds, 0…86400).
    case sleepSeconds = "sleep_seconds"

    /// Parameters every job kind accepts (where the data comes from and as of when).
    public static let common: Set<JobParameter> = [.cutoff, .source, .catalog]

    /// Sets the option this parameter names from its text form; throws `PipelineError.invalidOption` for a
    /// value out of range.
    public func apply(_ text: String, to options: inout RefreshOptions) throws {
        func int(_ range: ClosedRange<Int>) throws -> Int {
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
                throw PipelineError.invalidOption("\(rawValue) must be an integer in \(range.lowerBound)…\(range.upperBound), got '\(text)'")
            }
            return v
        }
        func float(_ range: ClosedRange<Float>) throws -> Float {
            guard let v = Float(text.trimmingCharacters(in: .whitespaces)), v.isFinite, range.contains(v) else {
                throw PipelineError.invalidOption("\(rawValue) must be a number in \(range.lowerBound)…\(range.upperBound), got '\(text)'")
            }
            return v
        }
        switch self {
        case .factors: options.recommender.als.factors = try int(RefreshOptions.factorsRange)
        case .iterations: options.recommender.als.iterations = try int(RefreshOptions.iterationsRange)
        case .regularization: options.recommender.als.regularization = try float(RefreshOptions.regularizationRange)
        case .alpha: options.recommender.als.alpha = try float(RefreshOptions.alphaRange)
        case .horizonDays: options.risk.horizonDays = try int(RefreshOptions.horizonRange)
        case .inactivityDays: options.risk.inactivityDays = try int(RefreshOptions.inactivityRange)
        case .topK: options.recommender.topK = try int(RefreshOptions.topKRange)
        case .cutoff:
            guard let micros = Timestamp.parse(text), RefreshOptions.cutoffRange.contains(micros) else {
                throw PipelineError.invalidOption("cutoff must be a timestamp between 1970 and 2200 (RFC 3339 or 'YYYY-MM-DD HH:MM:SS UTC'), got '\(text)'")
            }
            options.cutoff = micros
        case .source:
            let list = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !list.isEmpty else { throw PipelineError.invalidOption("source must name at least one location") }
            options.source = list
        case .catalog:
            options.catalog = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .sleepSeconds:
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, (0...86_400).contains(v) else {
                throw PipelineError.invalidOption("sleep_seconds must be a number of seconds in 0…86400, got '\(text)'")
            }
            options.noop.seconds = v
        case .evaluate:
            switch text.lowercased() {
            case "true", "yes", "1": options.recommender.evaluate = true
            case "false", "no", "0": options.recommender.evaluate = false
            default: throw PipelineError.invalidOption("evaluate must be true or false, got '\(text)'")
            }
        case .searchBudget:
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, RecommenderSearch.budgetRange.contains(v) else {
                throw PipelineError.invalidOption("search_budget must be a number of seconds per 100,000 interactions in 0…600, got '\(text)'")
            }
            options.recommender.searchSettings.secondsPer100kInteractions = v
        case .search:
            switch text.lowercased() {
            case "true", "yes", "1": options.recommender.search = true
            case "false", "no", "0": options.recommender.search = false
            default: throw PipelineError.invalidOption("search must be true or false, got '\(text)'")
            }
        }
    }
}
