import CBLAS
import Foundation

/// OpenBLAS kernel selection. Debian's OpenBLAS 0.3.21 is a `DYNAMIC_ARCH` build that picks CPU kernels at load time;
/// on CPUs newer than it knows (e.g. virtualised Sapphire Rapids reporting "Intel Xeon Processor") it falls back to
/// the generic `Prescott` kernels, about 3× slower for sgemm. Before the first BLAS call Lodestar checks the CPU's
/// features and, when OpenBLAS chose a generic core although the CPU has AVX-512 (or AVX2 + FMA), re-runs the
/// selection with `OPENBLAS_CORETYPE=SkylakeX` (or `Haswell`). A user's own `OPENBLAS_CORETYPE` is always respected.
enum BLASCore {
    /// Cores OpenBLAS uses as fallbacks, which a capable CPU should not be running.
    static let genericCores: Set<String> = [
        "prescott", "core2", "penryn", "dunnington", "nehalem", "katmai", "coppermine", "northwood", "banias", "atom",
        "sandybridge", "unknown",
    ]

    /// What the upgrade did: `nil` when nothing changed, else `"Prescott -> SkylakeX"`.
    nonisolated(unsafe) private(set) static var override: String?
    // nonisolated(unsafe): written once inside BLASThreads' one-time initialiser, before any reader can observe it
    // (readers call BLASThreads.pin() first, which completes that initialiser).

    static func upgradeGenericCoreIfNeeded() {
        guard !BLASSettings.userChoseCore,
              let name = openblas_get_corename().map({ String(cString: $0) }),
              genericCores.contains(name.lowercased()),
              let target = bestCore(flags: cpuFlags())
        else { return }
        // OpenBLAS's core selection reads this variable: it is how the library is told, not configuration read here.
        setenv("OPENBLAS_CORETYPE", target, 1)
        let done = lodestar_openblas_reselect_core()
        unsetenv("OPENBLAS_CORETYPE")
        if done != 0, let now = openblas_get_corename().map({ String(cString: $0) }), now != name {
            override = "\(name) -> \(now)"
        }
    }

    /// The OpenBLAS core for a set of `/proc/cpuinfo` flags, or `nil` when the CPU lacks AVX2 + FMA.
    static func bestCore(flags: Set<String>) -> String? {
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    /// The CPU flags from `/proc/cpuinfo` (empty where it does not exist).
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
