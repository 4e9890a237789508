import EventSources
import Foundation
import GoogleCloud
import LodestarTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct GCSTests {
    /// Uploads through the emulator's JSON API, then reads `gs://bucket/prefix*` in small ranges.
    @Test func readsFromTheEmulator() async throws {
        let host = try TestEnvironment.storageEmulatorHost()
        let folder = try await Fixtures.shared.folder()
        let bucket = "lodestar-\(UInt32.random(in: 0...UInt32.max))"
        var create = URLRequest(url: URL(string: "\(host)/storage/v1/b")!)
        create.httpMethod = "POST"
        create.setValue("application/json", forHTTPHeaderField: "Content-Type")
        create.httpBody = Data(#"{"name":"\#(bucket)"}"#.utf8)
        let (_, cr) = try await URLSession.shared.data(for: create)
        #expect((cr as? HTTPURLResponse)?.statusCode == 200)
        for (object, file) in [
            ("exports/events-000000000000.avro", "events-snappy.avro"),
            ("exports/events-000000000001.json.gz", "events.json.gz"),
            ("other/events-x.avro", "events-null.avro"),
        ] {
            var up = URLRequest(url: URL(string: "\(host)/upload/storage/v1/b/\(bucket)/o?uploadType=media&name=\(object)")!)
            up.httpMethod = "POST"
            up.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
            up.httpBody = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
            let (_, ur) = try await URLSession.shared.data(for: up)
            #expect((ur as? HTTPURLResponse)?.statusCode == 200)
        }
        let client = GCSClient(endpoint: URL(string: host)!, rangeSize: 4096)
        let r = try await readAll(["gs://\(bucket)/exports/events-*"], gcs: client)
        #expect(r.failures.isEmpty, "\(r.failures)")
        #expect(r.quarantined.isEmpty)
        #expect(r.events.count == 1000)
        let expected = try expectedRows(folder)
        #expect(r.events.first?.eventID == expected.first?.event_id)
        #expect(r.events.last?.eventID == expected.last?.event_id)
        let missing = await #expect(throws: (any Error).self) { try await readAll(["gs://\(bucket)/nothing-*"], gcs: client) }
        #expect("\(missing!)".contains("no object matches"))
    }

    /// A fake server with three list pages: the source follows nextPageToken and keeps the objects the glob matches.
    struct PagedTransport: HTTPTransport {
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let q = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            let token = q.first { $0.name == "pageToken" }?.value
            let page: String
            switch token {
            case nil: page = #"{"items":[{"name":"p/events-1.avro","size":"10"}],"nextPageToken":"t1"}"#
            case "t1": page = #"{"items":[{"name":"p/events-2.avro","size":"10"},{"name":"p/x.txt"}],"nextPageToken":"t2"}"#
            case "t2": page = #"{"items":[{"name":"p/events-3.avro","size":"10"}]}"#
            default: return HTTPResponse(status: 400)
            }
            return HTTPResponse(status: 200, body: Data(page.utf8))
        }
    }

    @Test func globOverListedPages() async throws {
        let client = GCSClient(endpoint: URL(string: "http://fake")!, transport: PagedTransport())
        let files = try await ExportSource(["gs://b/p/events-*.avro"], gcs: client).files()
        #expect(files.map(\.description) == ["gs://b/p/events-1.avro", "gs://b/p/events-2.avro", "gs://b/p/events-3.avro"])
    }

    /// The library never reads the environment: without a configured client, gs:// fails and says how to configure it.
    @Test func gsWithoutAClientSaysHowToConfigureIt() async throws {
        let error = await #expect(throws: RemoteStorage.NotConfigured.self) { try await ExportSource(["gs://b/p/*"]).files() }
        #expect("\(error!)".contains("STORAGE_EMULATOR_HOST"))
        let courses = await #expect(throws: RemoteStorage.NotConfigured.self) { try await CourseSource(["gs://b/c/*"]).read() }
        #expect(courses != nil)
    }

    /// A range that fails for good mid-object: the file stops with an error at the offset reached, rows before it kept.
    @Test func aFailingRangeStopsTheFileAtItsOffset() async throws {
        let host = try TestEnvironment.storageEmulatorHost()
        let folder = try await Fixtures.shared.folder()
        let bucket = "lodestar-\(UInt32.random(in: 0...UInt32.max))"
        var create = URLRequest(url: URL(string: "\(host)/storage/v1/b")!)
        create.httpMethod = "POST"
        create.setValue("application/json", forHTTPHeaderField: "Content-Type")
        create.httpBody = Data(#"{"name":"\#(bucket)"}"#.utf8)
        _ = try await URLSession.shared.data(for: create)
        var up = URLRequest(url: URL(string: "\(host)/upload/storage/v1/b/\(bucket)/o?uploadType=media&name=e/events.json")!)
        up.httpMethod = "POST"
        up.httpBody = try Data(contentsOf: URL(fileURLWithPath: folder + "/events.json"))
        _ = try await URLSession.shared.data(for: up)
        /// Passes listing and the first range through to the emulator, then answers 503 to everything.
        struct FailAfterFirstRange: HTTPTransport {
            let counter = Counter()
            final class Counter: @unchecked Sendable {
                let lock = NSLock()
                var ranges = 0
                func next() -> Int { lock.withLock { ranges += 1; return ranges } }
            }
            func send(_ request: HTTPRequest) async throws -> HTTPResponse {
                if request.headers["Range"] != nil, counter.next() > 1 { return HTTPResponse(status: 503) }
                return try await URLSessionTransport.shared.send(request)
            }
        }
        let noSleep = CloudClock(now: { Date() }, sleep: { _ in })
        let client = GCSClient(endpoint: URL(string: host)!, transport: FailAfterFirstRange(), retry: RetryPolicy(maxAttempts: 3),
                               clock: noSleep, rangeSize: 4096)
        let r = try await readAll(["gs://\(bucket)/e/"], gcs: client)
        #expect(r.failures.count == 1)
        #expect(r.failures.first?.offset == 4096)
        #expect(r.failures.first?.message.contains("HTTP 503 (after 3 attempts)") == true)
        #expect(r.events.count > 0)
    }
}
