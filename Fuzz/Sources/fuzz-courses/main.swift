import FuzzSupport

/// The course catalog readers. The first byte picks the format (Avro, NDJSON, CSV); the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCourses(_ input: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let data = input ?? UnsafePointer(bitPattern: 1)!
    guard size > 0 else { return 0 }
    let ext = ["avro", "json", "csv"][Int(data[0]) % 3]
    FuzzInput.readCourses(FuzzInput.file(data + 1, size - 1, name: "input.\(ext)"))
    return 0
}

fuzzMain(fuzzCourses)
