import LearningEvents
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-03-01 09:30:00 UTC", Int64(1_772_357_400_000_000)),
        ("2026-03-01 09:30:00.5 UTC", Int64(1_772_357_400_500_000)),
        ("2026-03-01 09:30:00.123456 UTC", Int64(1_772_357_400_123_456)),
        ("2026-03-01T09:30:00.123456789Z", Int64(1_772_357_400_123_456)),
        ("2026-03-01T11:30:00+02:00", Int64(1_772_357_400_000_000)),
        ("2026-03-01t09:30:00z", Int64(1_772_357_400_000_000)),
        ("1969-12-31T23:59:59Z", Int64(-1_000_000)),
        ("2024-02-29 00:00:00 UTC", Int64(1_709_164_800_000_000)),
    ])
    func parsesAcceptedForms(text: String, micros: Int64) {
        #expect(Timestamp.parse(text) == micros)
    }

    @Test(arguments: [
        "", "2026-03-01", "2026-03-01 09:30:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01T09:60:00Z", "2026-03-01T09:30:00.Z",
        "2026-03-01T09:30:00 PST", "2026/03/01 09:30:00 UTC", "2026-03-01T09:30:00Zjunk", "yesterday",
    ])
    func refusesOtherText(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formatsRoundTrip() {
        for micros: Int64 in [0, 1_772_357_400_000_000, 1_772_357_400_123_456, -1_000_000, 253_402_300_799_999_999] {
            #expect(Timestamp.parse(Timestamp.bigQuery(micros)) == micros)
            #expect(Timestamp.parse(Timestamp.rfc3339(micros)) == micros)
        }
        #expect(Timestamp.bigQuery(1_772_357_400_500_000) == "2026-03-01 09:30:00.500000 UTC")
        #expect(Timestamp.bigQuery(1_772_357_400_000_000) == "2026-03-01 09:30:00 UTC")
    }
}
