import LearningEvents

/// Validates decoded rows (``RowFields``) by the rule table (``LearningEvents/EventRules``, the same checks as
/// ``LearningEvents/LearningEvent/init(validating:)``) and appends the good ones to the current ``EventBatch``;
/// refused rows go to its quarantine, at most ``ReaderLimits/maxQuarantinedRowsPerFile`` per file.
final class EventBatchBuilder {
    let interner: SymbolInterner
    let fields = RowFields()
    var batch: EventBatch
    let file: String
    let limits: ReaderLimits
    /// Rows quarantined in this file so far.
    private(set) var quarantinedInFile = 0

    init(file: String, interner: SymbolInterner, limits: ReaderLimits) {
        self.file = file
        self.interner = interner
        self.limits = limits
        batch = EventBatch(file: file)
    }

    /// Rows in the current batch, valid and quarantined (a counter: one access per check on the hot path).
    private(set) var pending = 0

    /// Hands out the current batch (with the symbols it introduced) and starts a new one.
    func take() -> EventBatch {
        var out = batch
        let (base, symbols) = interner.takeNewSymbols()
        out.symbolBase = base
        out.newSymbols = symbols
        batch = EventBatch(file: file)
        pending = 0
        return out
    }

    /// Quarantines a refused row; throws ``SourceFileError`` (failing the file) once the file has refused more rows
    /// than the limit. (Untyped `throws`: Swift 6.3 crashes compiling typed throws inlined into the async decoders.)
    func quarantine(_ record: QuarantinedRecord) throws {
        quarantinedInFile += 1
        guard quarantinedInFile <= limits.maxQuarantinedRowsPerFile else {
            throw SourceFileError(
                file: file, offset: nil,
                message: "more than \(limits.maxQuarantinedRowsPerFile) rows quarantined (limit reached at \(record.position)); "
                    + "the rest of the file is not read")
        }
        batch.quarantined.append(record)
        pending += 1
    }

    /// Validates the row in ``fields``; appends it and returns nil, or returns the first rule it breaks.
    @inline(__always)
    func commit(position: RecordPosition) -> ValidationError? {
        let s = fields.slots
        var eventID = UnsafeRawBufferPointer(start: nil, count: 0)
        var symbol: UInt32 = 0
        var tenant: UInt32 = 0, org: UInt32 = 0, learner: UInt32 = 0, course: UInt32 = 0, lesson: UInt32 = 0
        var type = EventType.enrolled
        var micros: Int64 = 0
        var duration = EventBatch.noDuration
        var score = Double.nan
        let interner = self.interner
        do throws(ValidationError) {
            // event_id is unique per row: checked and copied, not interned.
            _ = try EventRules.check(s[0], .eventID) { bytes in
                eventID = bytes
                return Identifier.isValid(bytes: bytes)
            }
            // One access to the interner's storage for the row's identifiers.
            try interner.withState { (table) throws(ValidationError) in
                for field in EventField.afterEventID {
                    switch try EventRules.check(s[field.rawValue], field, isValid: { bytes in
                        // Repeating ids are interned; each distinct one is checked once.
                        let (id, valid) = table.intern(bytes.baseAddress!, bytes.count)
                        symbol = id
                        return valid
                    }) {
                    case .absent: break
                    case .identifier:
                        switch field {
                        case .tenantID: tenant = symbol
                        case .orgID: org = symbol
                        case .learnerID: learner = symbol
                        case .courseID: course = symbol
                        default: lesson = symbol
                        }
                    case .eventType(let t): type = t
                    case .micros(let m): micros = m
                    case .seconds(let d): duration = d
                    case .score(let v): score = v
                    }
                }
            }
        } catch {
            return error
        }
        batch.append(
            eventID: eventID, tenant: tenant, org: org, learner: learner, course: course, lesson: lesson, type: type,
            occurredAt: micros, duration: duration, score: score, position: position.packed)
        pending += 1
        return nil
    }
}
