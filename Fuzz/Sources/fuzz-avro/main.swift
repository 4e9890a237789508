import FuzzSupport

/// Avro container + schema: header, metadata, schema JSON, blocks (null/deflate/snappy), records, skipping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAvro(_ input: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let data = input ?? UnsafePointer(bitPattern: 1)!
    FuzzInput.readEvents(FuzzInput.file(data, size, name: "input.avro"), size: size)
    return 0
}

fuzzMain(fuzzAvro)
