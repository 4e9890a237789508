import CFuzzer

/// Runs libFuzzer with the process's arguments on `callback` (a target's `LLVMFuzzerTestOneInput`); returns its
/// exit status. Each target's main.swift calls this.
public func fuzzMain(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv, callback)
    exit(status)
}

#if canImport(Glibc)
import Glibc
#endif
