import LearningEvents

/// Validates decoded rows (``RowFields``) and appends the good ones to the current ``EventBatch``.
/// Applies the same rules as ``LearningEvents/LearningEvent/init(validating:)``, on bytes, in schema order.
final class EventBatchBuilder {
    let interner: SymbolInterner
    let fields = RowFields()
    var batch: EventBatch
    let file: String

    init(file: String, interner: SymbolInterner) {
        self.file = file
        self.interner = interner
        batch = EventBatch(file: file)
    }

    deinit { fields.free() }

    /// Rows in the current batch, valid and quarantined.
    var pending: Int { batch.count + batch.quarantined.count }

    /// Hands out the current batch (with the symbols it introduced) and starts a new one.
    func take() -> EventBatch {
        var out = batch
        let (base, symbols) = interner.takeNewSymbols()
        out.symbolBase = base
        out.newSymbols = symbols
        batch = EventBatch(file: file)
        return out
    }

    func quarantine(_ record: QuarantinedRecord) { batch.quarantined.append(record) }

    /// Validates the row in ``fields``; appends it and returns nil, or returns the first rule it breaks.
    func commit(position: RecordPosition) -> ValidationError? {
        let s = fields.slots
        // event_id: unique per row, so checked and copied, not interned.
        let e = s[0]
        guard e.kind != .null else { return ValidationError(field: "event_id", reason: .missing) }
        guard e.kind == .text else { return wrongType(0, "string") }
        if let err = Self.checkID(e.bytes, "event_id") { return err }

        guard let tenant = requiredSymbol(1) else { return lastError }
        guard let org = optionalSymbol(2) else { return lastError }
        guard let learner = requiredSymbol(3) else { return lastError }
        guard let course = requiredSymbol(4) else { return lastError }
        guard let lesson = optionalSymbol(5) else { return lastError }

        let t = s[6]
        guard t.kind != .null else { return ValidationError(field: "event_type", reason: .missing) }
        guard t.kind == .text else { return wrongType(6, "string") }
        guard let type = Self.eventType(t.bytes) else {
            return ValidationError(field: "event_type", reason: .unknownEventType(ValidationError.excerpt(t.bytes)))
        }

        let o = s[7]
        let micros: Int64
        switch o.kind {
        case .null: return ValidationError(field: "occurred_at", reason: .missing)
        case .micros: micros = o.int
        case .text:
            guard let m = Timestamp.parse(bytes: o.bytes) else {
                return ValidationError(field: "occurred_at", reason: .badTimestamp(ValidationError.excerpt(o.bytes)))
            }
            micros = m
        default: return wrongType(7, "a timestamp")
        }

        let d = s[8]
        var duration = EventBatch.noDuration
        switch d.kind {
        case .null: break
        case .int: duration = d.int
        case .text, .number:
            guard let v = NumberParsing.int64(d.bytes) else {
                return ValidationError(
                    field: "duration_seconds",
                    reason: .wrongType(expected: "an INT64", found: "'\(ValidationError.excerpt(d.bytes))'"))
            }
            duration = v
        default: return wrongType(8, "an INT64")
        }
        if duration != EventBatch.noDuration && duration < 0 {
            return ValidationError(field: "duration_seconds", reason: .negative(duration))
        }

        let sc = s[9]
        var score = Double.nan
        switch sc.kind {
        case .null: break
        case .double: score = sc.double
        case .int: score = Double(sc.int)
        case .text, .number:
            guard let v = NumberParsing.double(sc.bytes) else {
                return ValidationError(
                    field: "score", reason: .wrongType(expected: "a FLOAT64", found: "'\(ValidationError.excerpt(sc.bytes))'"))
            }
            score = v
        default: return wrongType(9, "a FLOAT64")
        }
        if sc.kind != .null && !(score >= 0 && score <= 1) {
            return ValidationError(field: "score", reason: .scoreOutOfRange(score))
        }

        batch.eventIDBytes.append(contentsOf: e.bytes)
        batch.eventIDEnds.append(Int32(truncatingIfNeeded: batch.eventIDBytes.count))
        batch.tenants.append(tenant)
        batch.orgs.append(org)
        batch.learners.append(learner)
        batch.courses.append(course)
        batch.lessons.append(lesson)
        batch.types.append(type)
        batch.occurredAt.append(micros)
        batch.durations.append(duration)
        batch.scores.append(score)
        batch.positions.append(position.packed)
        return nil
    }

    private var lastError: ValidationError?

    private func wrongType(_ slot: Int, _ expected: String) -> ValidationError {
        ValidationError(field: EventField.names[slot], reason: .wrongType(expected: expected, found: fields.slots[slot].kindName))
    }

    @inline(__always)
    private func requiredSymbol(_ slot: Int) -> UInt32? {
        let f = fields.slots[slot]
        if f.kind == .null {
            lastError = ValidationError(field: EventField.names[slot], reason: .missing)
            return nil
        }
        return symbol(slot)
    }

    @inline(__always)
    private func optionalSymbol(_ slot: Int) -> UInt32? {
        fields.slots[slot].kind == .null ? 0 : symbol(slot)
    }

    @inline(__always)
    private func symbol(_ slot: Int) -> UInt32? {
        let f = fields.slots[slot]
        guard f.kind == .text else {
            lastError = wrongType(slot, "string")
            return nil
        }
        guard f.len > 0 else {
            lastError = ValidationError(field: EventField.names[slot], reason: .emptyIdentifier)
            return nil
        }
        guard f.len <= Identifier.maxLength else {
            lastError = ValidationError(field: EventField.names[slot], reason: .badIdentifier(ValidationError.excerpt(f.bytes)))
            return nil
        }
        let id = interner.intern(f.ptr!, f.len)
        guard interner.valid[Int(id)] else {
            lastError = ValidationError(field: EventField.names[slot], reason: .badIdentifier(ValidationError.excerpt(f.bytes)))
            return nil
        }
        return id
    }

    @inline(__always)
    static func checkID(_ b: UnsafeRawBufferPointer, _ field: String) -> ValidationError? {
        if b.isEmpty { return ValidationError(field: field, reason: .emptyIdentifier) }
        if !Identifier.isValid(bytes: b) {
            return ValidationError(field: field, reason: .badIdentifier(ValidationError.excerpt(b)))
        }
        return nil
    }

    private static let typeNames: [[UInt8]] = EventType.allCases.map { Array($0.name.utf8) }

    /// The event type of a name, matched on bytes.
    @inline(__always)
    static func eventType(_ b: UnsafeRawBufferPointer) -> EventType? {
        let n = b.count
        guard n >= 8 else { return nil }
        // Candidates by length and first byte; then a full compare.
        let c: EventType
        switch (n, b[0]) {
        case (8, UInt8(ascii: "e")): c = .enrolled
        case (10, UInt8(ascii: "u")): c = .unenrolled
        case (14, UInt8(ascii: "l")): c = .lessonStarted
        case (14, UInt8(ascii: "c")): c = .contentViewed
        case (14, UInt8(ascii: "q")): c = .quizSubmitted
        case (16, UInt8(ascii: "l")): c = .lessonCompleted
        case (16, UInt8(ascii: "c")): c = .courseCompleted
        default: return nil
        }
        let same = typeNames[Int(c.rawValue)].withUnsafeBytes { memcmp($0.baseAddress!, b.baseAddress!, n) == 0 }
        return same ? c : nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
