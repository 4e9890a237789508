import LinearAlgebra

/// What an ALS artifact's JSON metadata holds.
struct ALSArtifactMetadata: Codable {
    var configuration: ALSConfiguration
    var learnerCount: Int
    var courseCount: Int
    var factors: Int
    var learnerIDs: IDMap
    var courseIDs: IDMap
    var coursePopularity: [Int]
    var lossHistory: [Double]
    var metrics: [String: Double]
}

extension ALSModel {
    /// The model as artifact bytes (see ``ModelArtifact``): metadata JSON plus learner then course factors.
    public func artifact() throws -> [UInt8] {
        let meta = ALSArtifactMetadata(
            configuration: configuration, learnerCount: learnerFactors.rows, courseCount: courseFactors.rows,
            factors: factors, learnerIDs: learners, courseIDs: courses, coursePopularity: coursePopularity,
            lossHistory: lossHistory, metrics: metrics)
        return try ModelArtifact.encode(kind: .als, metadata: meta,
                                        payload: learnerFactors.elements + courseFactors.elements)
    }

    /// Loads a model from artifact bytes; throws ``ArtifactError`` for another version or kind, a corrupt file or
    /// inconsistent shapes.
    public init(artifact bytes: [UInt8]) throws {
        let (meta, payload) = try ModelArtifact.decode(bytes, kind: .als, as: ALSArtifactMetadata.self)
        do {
            try meta.configuration.validate()
        } catch let error as ModelsError {
            throw ArtifactError.corruptMetadata(error.description)
        }
        let f = meta.factors, nl = meta.learnerCount, nc = meta.courseCount
        // Sizes come from the file: checked arithmetic, never a trap.
        let (rows, o1) = nl.addingReportingOverflow(nc)
        let (values, o2) = rows.multipliedReportingOverflow(by: f)
        guard f == meta.configuration.factors, f >= 1, nl >= 0, nc >= 0, meta.learnerIDs.count == nl,
              meta.courseIDs.count == nc, meta.coursePopularity.count == nc,
              !o1, !o2, payload.count == values
        else {
            throw ArtifactError.shapeMismatch(
                "\(nl) learners (\(meta.learnerIDs.count) ids), \(nc) courses (\(meta.courseIDs.count) ids), "
                    + "\(f) factors, \(payload.count) values")
        }
        do {
            try self.init(
                configuration: meta.configuration, learners: meta.learnerIDs, courses: meta.courseIDs,
                learnerFactors: Matrix(rows: nl, columns: f, elements: Array(payload[0..<(nl * f)])),
                courseFactors: Matrix(rows: nc, columns: f, elements: Array(payload[(nl * f)...])),
                coursePopularity: meta.coursePopularity, lossHistory: meta.lossHistory, metrics: meta.metrics)
        } catch let error as ModelsError {
            throw ArtifactError.shapeMismatch(error.description)
        }
    }
}
