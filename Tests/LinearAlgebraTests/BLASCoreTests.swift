import Testing
import Foundation
@testable import LinearAlgebra

@Suite("OpenBLAS core selection")
struct BLASCoreTests {
    @Test("CPU flags map to the best OpenBLAS 0.3.21 core")
    func bestCore() {
        #expect(BLASCore.bestCore(flags: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd", "avx2", "fma"])
            == "SkylakeX")
        #expect(BLASCore.bestCore(flags: ["avx2", "fma", "avx"]) == "Haswell")
        #expect(BLASCore.bestCore(flags: ["sse3", "avx"]) == nil)
    }

    @Test("after the first call OpenBLAS does not run generic kernels on a CPU that has AVX2 + FMA")
    func noGenericCore() {
        let info = BLASInfo.current()
        let capable = BLASCore.bestCore(flags: BLASCore.cpuFlags()) != nil
        let userChose = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil
        if capable && !userChose {
            #expect(!BLASCore.genericCores.contains(info.coreName.lowercased()), "core \(info.coreName)")
        } else {
            #expect(info.coreOverride == nil)
        }
    }
}
