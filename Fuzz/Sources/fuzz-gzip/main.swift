import FuzzSupport

/// gzip (members, truncation, corrupt streams) with NDJSON inside: the bytes pass through GzipByteSource.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ input: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let data = input ?? UnsafePointer(bitPattern: 1)!
    // Inflated bytes are not bounded by the input's size: only the no-crash and rule checks apply.
    FuzzInput.readEvents(FuzzInput.file(data, size, name: "input.json.gz"), size: Int.max / 2)
    return 0
}

fuzzMain(fuzzGzip)
