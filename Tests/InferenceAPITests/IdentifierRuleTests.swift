@testable import InferenceAPI
import LearningEvents
import Scheduler
import Testing

/// One identifier rule: tenant ids in job files and requests (`TenantName`) and run ids (`JobRoutes.runID`) are
/// ``Identifier`` with their own length (and `~` for run ids), and accept exactly what their own copies did.
@Suite("The one identifier rule")
struct IdentifierRuleTests {
    /// The rule as it was written out before (the oracle): 1–`max` of `A–Z a–z 0–9 . _ : @ -` (and `~`), no leading `.`.
    static func written(_ s: String, max: Int, tilde: Bool) -> Bool {
        (1...max).contains(s.utf8.count) && !s.hasPrefix(".") && s.utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F || b == 0x3A
                || b == 0x40 || b == 0x2D || (tilde && b == 0x7E)
        }
    }

    static var samples: [String] {
        var out = ["", ".", ".a", "a.", "a~b", "~", "nightly~acme~0123abcd", "nightly.acme.20260401", "../etc", "a/b", "a b", "é", "a\u{0}b",
                   String(repeating: "x", count: 128), String(repeating: "x", count: 129), String(repeating: "y", count: 256),
                   String(repeating: "y", count: 257), "x" + String(repeating: "~", count: 255)]
        for b in UInt8(0)...UInt8(127) {
            let c = String(UnicodeScalar(b))
            out += [c, "a" + c, c + "a"]
        }
        return out
    }

    @Test func tenantIdsAndRunIdsAreTheIdentifierRuleWithTheirLength() throws {
        for s in Self.samples {
            #expect(Identifier.isValid(s) == Self.written(s, max: 128, tilde: false), "\(s.debugDescription)")
            #expect(Identifier.isValid(s, maxLength: Identifier.maxLength) == Identifier.isValid(s), "\(s.debugDescription)")
            #expect(TenantName.isValid(s) == Identifier.isValid(s), "\(s.debugDescription)")
            let run = (try? JobRoutes.runID(s)) != nil
            #expect(run == Self.written(s, max: 256, tilde: true), "\(s.debugDescription)")
            #expect(run == Identifier.isValid(s, maxLength: 256, extra: .tilde), "\(s.debugDescription)")
        }
        #expect(!Identifier.isValid("a", maxLength: 0) && Identifier.isValid("ab", maxLength: 2) && !Identifier.isValid("abc", maxLength: 2))
    }
}
