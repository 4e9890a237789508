import Foundation
import LodestarTestSupport
import Testing
@testable import Scheduler

/// `CronSchedule` against PyPI croniter (in the test venv) over thousands of random expressions and instants in
/// UTC, Europe/Rome, America/New_York and Asia/Kolkata, a third of the instants within hours of a DST change.
/// croniter fires a repeated autumn local time twice; the reference script drops those second firings (see
/// croniter_reference.py), and the test checks that it had to (the repeated hours were exercised).
@Suite struct CronReferenceTests {
    struct Case: Codable { var expr: String; var tz: String; var start: Int64 }
    struct Answer: Codable { var next: Int64?; var skipped: Int; var error: String? }

    /// A seeded generator (SplitMix64), so a failure names a case that reproduces.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
        mutating func pick<T>(_ a: [T]) -> T { a[int(0...a.count - 1)] }
    }

    static func field(_ r: inout Rng, _ lo: Int, _ hi: Int, names: [String] = [], nameBase: Int = 0) -> String {
        func v() -> String {
            let x = r.int(lo...hi)
            if !names.isEmpty, r.int(0...3) == 0, x - nameBase >= 0, x - nameBase < names.count { return names[x - nameBase] }
            return String(x)
        }
        switch r.int(0...9) {
        case 0, 1: return "*"
        case 2: return "*/\(r.int(1...max(1, (hi - lo + 1) / 2)))"
        case 3:
            let a = r.int(lo...hi - 1), b = r.int(a + 1...hi)  // croniter reads a one-value range `a-a` as `*`: not drawn
            return "\(a)-\(b)"
        case 4:
            let a = r.int(lo...hi - 1), b = r.int(a + 1...hi)
            return "\(a)-\(b)/\(r.int(1...max(1, b - a + 1)))"
        case 5, 6:
            return (0..<r.int(2...4)).map { _ in v() }.joined(separator: ",")
        default: return v()
        }
    }

    static func expression(_ r: inout Rng) -> String {
        var fields = [
            field(&r, 0, 59), field(&r, 0, 23), field(&r, 1, 28),
            field(&r, 1, 12, names: CronExpression.monthNames, nameBase: 1),
            field(&r, 0, 6, names: CronExpression.dayNames),
        ]
        // Vixie cron (and Lodestar) count a day field starting with `*` (`*/2` too) as unrestricted, so `0 0 1 * */2`
        // is the 1st when it is a Sunday, Tuesday, …; croniter counts only a bare `*` and ORs the two. That one
        // reading differs on purpose (CronExpressionTests checks Lodestar's); such pairs are not drawn here.
        if !fields[2].hasPrefix("*") && fields[4].hasPrefix("*/") { fields[4] = "*" }
        if !fields[4].hasPrefix("*") && fields[2].hasPrefix("*/") { fields[2] = "*" }
        if fields[2].hasPrefix("*/") && fields[4].hasPrefix("*/") { fields[4] = "*" }
        // Mostly some field left open so firings are frequent enough to cross DST changes.
        return fields.joined(separator: " ")
    }

    /// DST changes of the zones in 2024–2027 (UTC seconds), found from Foundation.
    static func transitions(_ tz: TimeZone) -> [Int64] {
        var out: [Int64] = []
        var t = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01
        while let n = tz.nextDaylightSavingTimeTransition(after: t), n.timeIntervalSince1970 < 1_830_297_600 {
            out.append(Int64(n.timeIntervalSince1970))
            t = n
        }
        return out
    }

    @Test func agreesWithCroniter() throws {
        let zones = ["UTC", "Europe/Rome", "America/New_York", "Asia/Kolkata"]
        var r = Rng(state: 20_261_127)
        var cases: [Case] = []
        let trans = Dictionary(uniqueKeysWithValues: zones.map { ($0, Self.transitions(TimeZone(identifier: $0)!)) })
        #expect(trans["Europe/Rome"]!.count >= 6 && trans["America/New_York"]!.count >= 6)
        for _ in 0..<1500 {
            let expr = Self.expression(&r)
            for _ in 0..<4 {
                let tz = r.pick(zones)
                var start = Int64(r.int(1_704_067_200...1_830_297_600))  // 2024…2027
                if let t = trans[tz], !t.isEmpty, r.int(0...2) == 0 { start = r.pick(t) + Int64(r.int(-10_800...10_800)) }
                cases.append(Case(expr: expr, tz: tz, start: start))
            }
        }
        // A hand-picked set that always crosses the changes.
        for tz in ["Europe/Rome", "America/New_York"] {
            for t in trans[tz]! {
                for expr in ["30 2 * * *", "0 2 * * *", "*/20 * * * *", "0 * * * *", "0,30 1-3 * * *", "15 1 * * *", "59 1 * * *", "0 3 * * *"] {
                    cases.append(Case(expr: expr, tz: tz, start: t - 7200))
                    cases.append(Case(expr: expr, tz: tz, start: t - 60))
                    cases.append(Case(expr: expr, tz: tz, start: t + 1800))
                }
            }
        }
        let answers = try Self.croniter(cases)
        #expect(answers.count == cases.count)
        var mismatches: [String] = []
        var skipped = 0, compared = 0
        for (c, a) in zip(cases, answers) {
            skipped += a.skipped
            let schedule = try CronSchedule(c.expr, timeZone: c.tz)
            let ours = schedule.nextSecond(after: c.start)
            guard let theirs = a.next else {
                if ours != nil, a.error == nil { mismatches.append("\(c.expr) [\(c.tz)] after \(c.start): croniter none, ours \(ours!)") }
                continue
            }
            compared += 1
            if ours != theirs {
                mismatches.append("\(c.expr) [\(c.tz)] after \(c.start): croniter \(theirs), ours \(ours.map(String.init) ?? "none")")
            }
        }
        #expect(compared >= 6000, "compared \(compared)")
        #expect(skipped > 20, "repeated hours exercised: \(skipped)")
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(10).joined(separator: "\n"))")
    }

    static func croniter(_ cases: [Case]) throws -> [Answer] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TestEnvironment.python())
        p.arguments = [TestEnvironment.packageRoot.appendingPathComponent("Tests/SchedulerTests/croniter_reference.py").path]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        let enc = JSONEncoder()
        var data = Data()
        for c in cases { data.append(try enc.encode(c)); data.append(0x0A) }
        let payload = data
        let writer = Thread { input.fileHandleForWriting.write(payload); try? input.fileHandleForWriting.close() }
        writer.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CronError(field: "reference", message: "croniter script exited \(p.terminationStatus)") }
        let dec = JSONDecoder()
        return try out.split(separator: 0x0A).map { try dec.decode(Answer.self, from: Data($0)) }
    }
}
