import LearningEvents

/// The courses and refused rows of one catalog file, with the per-file quarantine limit.
struct CourseRows {
    let file: String
    let limits: ReaderLimits
    var courses: [Course] = []
    var quarantined: [QuarantinedRecord] = []
    var failure: SourceFileError?

    init(file: String, limits: ReaderLimits) {
        self.file = file
        self.limits = limits
    }

    /// Quarantines a refused row; throws (failing the file) past ``ReaderLimits/maxQuarantinedRowsPerFile``.
    mutating func quarantine(_ record: QuarantinedRecord) throws {
        guard quarantined.count < limits.maxQuarantinedRowsPerFile else {
            throw SourceFileError(
                file: file, offset: nil,
                message: "more than \(limits.maxQuarantinedRowsPerFile) rows quarantined (limit reached at \(record.position)); "
                    + "the rest of the file is not read")
        }
        quarantined.append(record)
    }

    /// Validates a row's cells into a course, or quarantines it with the field and reason.
    mutating func add(_ cells: [String: CourseCell], at position: RecordPosition, raw: String) throws {
        do throws(ValidationError) {
            courses.append(try CourseCell.course(from: cells))
        } catch {
            try quarantine(
                QuarantinedRecord(source: file, position: position, raw: raw, reason: error.description, field: error.field))
        }
    }

    /// ``add(_:at:raw:)`` with the raw text taken from bytes (cut at the raw limit).
    mutating func add(_ cells: [String: CourseCell], at position: RecordPosition, rawBytes: UnsafeRawBufferPointer)
        throws
    {
        do throws(ValidationError) {
            courses.append(try CourseCell.course(from: cells))
        } catch {
            try quarantine(
                QuarantinedRecord(source: file, position: position, rawBytes: rawBytes, reason: error.description, field: error.field))
        }
    }
}
