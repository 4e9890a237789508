import GoogleCloud
/// Opens one export file as a byte stream: picks the format by extension, checks the magic bytes, and unwraps gzip.
enum FileOpener {
    static func open(_ file: SourceFile, gcs: () throws -> GCSClient) async throws -> (ExportFormat, any ByteSource) {
        let name = file.description
        guard let (format, gzip) = ExportFormat.of(fileName: file.fileName) else {
            throw SourceFileError(
                file: name, offset: nil,
                message: "unknown extension (expected .avro, .json, .jsonl, .ndjson, .csv, optionally .gz)")
        }
        var source: any ByteSource
        switch file {
        case .local(let path): source = try FileByteSource(path: path)
        case .gcs(let bucket, let object, let size):
            source = GCSObjectSource(client: try gcs(), bucket: bucket, object: object, size: size)
        }
        let (head, replay) = try await PrefixedByteSource.peek(source, count: 4)
        source = replay
        if gzip {
            guard head.count >= 2, head[0] == 0x1f, head[1] == 0x8b else {
                throw SourceFileError(file: name, offset: 0, message: "name ends in .gz but the file is not gzip (no 1f 8b header)")
            }
            source = try GzipByteSource(source)
        } else if head.count >= 2, head[0] == 0x1f, head[1] == 0x8b {
            throw SourceFileError(file: name, offset: 0, message: "file is gzip-compressed but its name does not end in .gz")
        }
        if format == .avro {
            guard head.count == 4, head == [0x4F, 0x62, 0x6A, 0x01] else {
                throw SourceFileError(file: name, offset: 0, message: "name ends in .avro but the magic bytes are not 'Obj\\x01'")
            }
        } else if !gzip && head.count == 4 && head == [0x4F, 0x62, 0x6A, 0x01] {
            throw SourceFileError(file: name, offset: 0, message: "file is Avro but its name says \(format.rawValue)")
        }
        return (format, source)
    }
}
