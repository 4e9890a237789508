import Foundation
@testable import GoogleCloud
import LodestarTestSupport
import Testing

/// A fake GCS that serves one object with honest `Range` answers unless `tamper` changes them.
struct FakeGCS {
    let object: Data
    var tamper: @Sendable (_ call: Int, _ start: Int, _ end: Int, _ response: HTTPResponse) throws -> HTTPResponse = { _, _, _, r in r }

    func transport() -> FakeTransport {
        let object = self.object
        let tamper = self.tamper
        return FakeTransport { request, n in
            let url = request.url.absoluteString
            if url.contains("/download/") {
                let range = request.headers["Range"]!.dropFirst("bytes=".count).split(separator: "-").map { Int($0)! }
                let end = min(range[1], object.count - 1)
                let honest = HTTPResponse(status: 206, headers: ["Content-Range": "bytes \(range[0])-\(end)/\(object.count)"],
                                          body: object.subdata(in: range[0]..<(end + 1)))
                return try tamper(n, range[0], end, honest)
            }
            return .json(#"{"name":"o","size":"\#(object.count)","generation":"17"}"#)
        }
    }
}

@Suite struct GCSClientTests {
    static let object = Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })

    static func client(_ t: any HTTPTransport, retry: RetryPolicy = .default, clock: TestClock = TestClock()) -> GCSClient {
        GCSClient(endpoint: URL(string: "http://fake")!, transport: t, retry: retry, clock: clock.cloud, rangeSize: 4096)
    }

    static func readAll(_ reader: GCSObjectReader) async throws -> Data {
        var out = Data()
        while let chunk = try await reader.next() { out.append(chunk) }
        return out
    }

    @Test func listFollowsPageTokens() async throws {
        let fake = FakeTransport { request, _ in
            let q = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            let prefix = q.first { $0.name == "prefix" }?.value
            #expect(prefix == "p/")
            let token = q.first { $0.name == "pageToken" }?.value
            switch token {
            case nil: return .json(#"{"items":[{"name":"p/events-1.avro","size":"10","generation":"5"}],"nextPageToken":"t1"}"#)
            case "t1": return .json(#"{"items":[{"name":"p/events-2.avro","size":"10"},{"name":"p/x.txt"}],"nextPageToken":"t2"}"#)
            case "t2": return .json(#"{"items":[{"name":"p/events-3.avro","size":"12"}]}"#)
            default: return .json(#"{"unexpected":"\#(request.url.absoluteString)"}"#, status: 400)
            }
        }
        let objects = try await Self.client(fake).list(bucket: "b", prefix: "p/")
        #expect(objects == [GCSObject(name: "p/events-1.avro", size: 10, generation: "5"), GCSObject(name: "p/events-2.avro", size: 10),
                            GCSObject(name: "p/x.txt", size: nil), GCSObject(name: "p/events-3.avro", size: 12)])
        #expect(fake.requests.count == 3)
    }

    @Test func listRefusesLoopsAndBadSizes() async throws {
        let loop = FakeTransport { _, _ in .json(#"{"items":[],"nextPageToken":"same"}"#) }
        let e1 = await #expect(throws: GoogleCloudError.self) { try await Self.client(loop).list(bucket: "b", prefix: "") }
        #expect(e1?.message.contains("page token came back twice") == true)
        let badSize = FakeTransport { _, _ in .json(#"{"items":[{"name":"a","size":"-3"}]}"#) }
        let e2 = await #expect(throws: GoogleCloudError.self) { try await Self.client(badSize).list(bucket: "b", prefix: "") }
        #expect(e2?.kind == .invalidResponse)
    }

    @Test func rangedReadsDeliverTheObjectInOrder() async throws {
        let fake = FakeGCS(object: Self.object).transport()
        let reader = Self.client(fake).reader(bucket: "b", object: "dir/o.avro")
        #expect(try await Self.readAll(reader) == Self.object)
        // Metadata first (size, generation), then three ranges of at most 4096 bytes, pinned to the generation.
        let ranges = fake.requests.dropFirst().map { $0.headers["Range"] }
        #expect(ranges == ["bytes=0-4095", "bytes=4096-8191", "bytes=8192-9999"])
        #expect(fake.requests[0].url.absoluteString.contains("/storage/v1/b/b/o/dir%2Fo.avro?"))
        #expect(fake.requests[1].url.absoluteString.hasSuffix("/download/storage/v1/b/b/o/dir%2Fo.avro?alt=media&generation=17"))
        #expect(reader.size == 10_000)
        #expect(reader.offset == 10_000)
    }

    @Test func aShort206IsAnError() async throws {
        var gcs = FakeGCS(object: Self.object)
        gcs.tamper = { _, start, end, r in
            // Honest Content-Range, but the body stops 100 bytes early.
            start == 4096 ? HTTPResponse(status: 206, headers: r.headers, body: r.body.prefix(end - start + 1 - 100)) : r
        }
        let reader = Self.client(gcs.transport()).reader(bucket: "b", object: "o", size: 10_000)
        _ = try await reader.next()
        let e = await #expect(throws: GoogleCloudError.self) { try await reader.next() }
        #expect(e?.kind == .shortRead)
        #expect(e?.message.contains("asked for 4096 bytes at offset 4096, got 3996") == true)
        #expect(reader.offset == 4096)
    }

    @Test func aContentRangeOtherThanAskedIsAnError() async throws {
        var gcs = FakeGCS(object: Self.object)
        gcs.tamper = { _, start, end, r in
            start == 0 ? HTTPResponse(status: 206, headers: ["Content-Range": "bytes 0-999/10000"], body: r.body.prefix(1000)) : r
        }
        let e = await #expect(throws: GoogleCloudError.self) {
            try await Self.readAll(Self.client(gcs.transport()).reader(bucket: "b", object: "o", size: 10_000))
        }
        #expect(e?.kind == .shortRead)
    }

    @Test func aSizeThatDisagreesWithTheListingIsAnError() async throws {
        // Listed at 12000 bytes, the server says 10000 (the object was replaced).
        let reader = Self.client(FakeGCS(object: Self.object).transport()).reader(bucket: "b", object: "o", size: 12_000)
        let e = await #expect(throws: GoogleCloudError.self) { try await Self.readAll(reader) }
        #expect(e?.kind == .sizeMismatch)
        #expect(e?.message.contains("10000 bytes now, 12000 when listed") == true)
    }

    @Test func aServerIgnoringRangeMidObjectIsAnError() async throws {
        var gcs = FakeGCS(object: Self.object)
        gcs.tamper = { _, start, _, r in start == 4096 ? HTTPResponse(status: 200, body: Self.object) : r }
        let e = await #expect(throws: GoogleCloudError.self) {
            try await Self.readAll(Self.client(gcs.transport()).reader(bucket: "b", object: "o", size: 10_000))
        }
        #expect(e?.kind == .shortRead)
    }

    @Test func transientFailuresMidObjectAreRetriedAtTheSameOffset() async throws {
        let clock = TestClock()
        var gcs = FakeGCS(object: Self.object)
        gcs.tamper = { call, _, _, r in
            switch call {
            case 3: throw HTTPTransportError.connectionFailed("connection reset by peer")
            case 4: return .json("{}", status: 503)
            case 5: return .json("{}", status: 429)
            default: return r
            }
        }
        let fake = gcs.transport()
        let reader = Self.client(fake, clock: clock).reader(bucket: "b", object: "o")
        #expect(try await Self.readAll(reader) == Self.object)
        let ranges = fake.requests.dropFirst().map { $0.headers["Range"]! }
        #expect(ranges == ["bytes=0-4095", "bytes=4096-8191", "bytes=4096-8191", "bytes=4096-8191", "bytes=4096-8191", "bytes=8192-9999"])
        #expect(clock.sleeps.count == 3)
    }

    @Test func afterRetriesRunOutTheNextReadResumesFromTheOffsetDelivered() async throws {
        let clock = TestClock()
        var gcs = FakeGCS(object: Self.object)
        gcs.tamper = { call, _, _, r in
            if (3...4).contains(call) { throw HTTPTransportError.timedOut }
            return r
        }
        let fake = gcs.transport()
        let reader = Self.client(fake, retry: RetryPolicy(maxAttempts: 2), clock: clock).reader(bucket: "b", object: "o")
        var delivered = Data()
        delivered.append(try #require(try await reader.next()))
        let e = await #expect(throws: GoogleCloudError.self) { try await reader.next() }
        #expect(e?.kind == .transport)
        #expect(e?.attempts == 2)
        #expect(reader.offset == 4096)
        while let chunk = try await reader.next() { delivered.append(chunk) }
        #expect(delivered == Self.object)
        let ranges = fake.requests.dropFirst().map { $0.headers["Range"]! }
        #expect(ranges == ["bytes=0-4095", "bytes=4096-8191", "bytes=4096-8191", "bytes=4096-8191", "bytes=8192-9999"])
    }

    @Test func aResponseLargerThanAskedIsCutOffNotBuffered() async throws {
        let fake = FakeTransport { request, _ in
            #expect(request.maxResponseBytes == 4097)
            throw HTTPTransportError.responseTooLarge(limit: request.maxResponseBytes)
        }
        let e = await #expect(throws: GoogleCloudError.self) {
            try await Self.client(fake).read(bucket: "b", object: "o", range: 0..<4096)
        }
        #expect(e?.kind == .shortRead)
    }

    @Test func emptyObjectsNeedNoRangedRead() async throws {
        let fake = FakeTransport { _, _ in .json(#"{"name":"o","size":"0"}"#) }
        let reader = Self.client(fake).reader(bucket: "b", object: "o")
        #expect(try await reader.next() == nil)
        #expect(fake.requests.count == 1)
    }
}

/// The GCS client against gcp-storage-emulator (started by scripts/test), through the real URLSession transport.
@Suite struct GCSEmulatorTests {
    @Test func listsAndReadsInRangesFromTheEmulator() async throws {
        let host = try TestEnvironment.storageEmulatorHost()
        let bucket = "gc-\(uniqueSuffix())"
        let (created, _) = try await rawRequest("POST", "\(host)/storage/v1/b", json: #"{"name":"\#(bucket)"}"#)
        #expect(created == 200)
        let payload = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 3) })
        for name in ["d/a.bin", "d/b.bin", "e/c.bin"] {
            let (up, _) = try await rawRequest("POST", "\(host)/upload/storage/v1/b/\(bucket)/o?uploadType=media&name=\(name)",
                                               body: payload, contentType: "application/octet-stream")
            #expect(up == 200)
        }
        let gcs = try GoogleCloudConfiguration(storageEmulatorHost: host).storageClient()
        let listed = try await gcs.list(bucket: bucket, prefix: "d/")
        #expect(listed.map(\.name) == ["d/a.bin", "d/b.bin"])
        #expect(listed.map(\.size) == [50_000, 50_000])
        var small = gcs
        small.rangeSize = 7000
        let reader = small.reader(bucket: bucket, object: listed[1])
        var got = Data()
        var chunks = 0
        while let c = try await reader.next() { got.append(c); chunks += 1 }
        #expect(got == payload)
        #expect(chunks == 8)
        #expect(try await gcs.object(bucket: bucket, name: "e/c.bin").size == 50_000)
        let missing = await #expect(throws: GoogleCloudError.self) { try await gcs.object(bucket: bucket, name: "nope") }
        #expect(missing?.status == 404)

        // The real transport cuts off a body larger than the request allows.
        let url = URL(string: "\(host)/download/storage/v1/b/\(bucket)/o/d%2Fa.bin?alt=media")!
        let tooBig = await #expect(throws: HTTPTransportError.self) {
            try await URLSessionTransport.shared.send(HTTPRequest(url: url, maxResponseBytes: 1000))
        }
        #expect(tooBig == .responseTooLarge(limit: 1000))
    }
}
