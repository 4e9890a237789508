import FuzzSupport

/// CSV events: header, RFC 4180 quoting, field counts, values through the rule table.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ input: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let data = input ?? UnsafePointer(bitPattern: 1)!
    FuzzInput.readEvents(FuzzInput.file(data, size, name: "input.csv"), size: size)
    return 0
}

fuzzMain(fuzzCSV)
