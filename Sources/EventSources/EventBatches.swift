/// The batches of an ``ExportSource``: an `AsyncSequence` read by one task.
public struct EventBatches: AsyncSequence, Sendable {
    public typealias Element = EventBatch
    let source: ExportSource

    public func makeAsyncIterator() -> Iterator { Iterator(source: source) }

    /// Reads the files one after another.
    public struct Iterator: AsyncIteratorProtocol {
        let source: ExportSource
        let interner = SymbolInterner()
        var files: [SourceFile]?
        var nextFile = 0
        var current: EventFileReader?

        init(source: ExportSource) { self.source = source }

        /// The next batch, read and decoded on the reader threads (``ExportSource/readerThreads``), never on the
        /// cooperative pool.
        public mutating func next() async throws -> EventBatch? {
            try await ExportSource.offCooperativePool { try await advance() }
        }

        private mutating func advance() async throws -> EventBatch? {
            if files == nil { files = try await source.files() }
            while true {
                if let reader = current {
                    if let batch = await reader.nextBatch(maxRows: source.batchSize) { return batch }
                    current = nil
                }
                guard let files, nextFile < files.count else { return nil }
                let file = files[nextFile]
                nextFile += 1
                var out = EventBatch(file: file.description)
                do {
                    switch try await source.open(file, interner: interner) {
                    case .events(let reader):
                        current = reader
                        continue
                    case .skipped(let skipped):
                        out.skipped = skipped
                    }
                } catch {
                    out.failure = error as? SourceFileError
                        ?? SourceFileError(file: file.description, offset: nil, message: "\(error)")
                }
                let (base, symbols) = interner.takeNewSymbols()
                out.symbolBase = base
                out.newSymbols = symbols
                return out
            }
        }
    }
}
