import EventSources
import Foundation
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

    /// A fake server with three list pages: the client follows nextPageToken to the end.
    struct PagedTransport: HTTPTransport {
        func get(_ url: URL, headers: [String: String]) async throws -> (status: Int, body: Data) {
            let q = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            let token = q.first { $0.name == "pageToken" }?.value
            let page: String
            switch token {
            case nil: page = #"{"items":[{"name":"p/events-1.avro","size":"10"}],"nextPageToken":"t1"}"#
            case "t1": page = #"{"items":[{"name":"p/events-2.avro","size":"10"},{"name":"p/x.txt"}],"nextPageToken":"t2"}"#
            case "t2": page = #"{"items":[{"name":"p/events-3.avro","size":"10"}]}"#
            default: return (400, Data())
            }
            return (200, Data(page.utf8))
        }
    }

    @Test func listFollowsPageTokens() async throws {
        let client = GCSClient(endpoint: URL(string: "http://fake")!, transport: PagedTransport())
        let objects = try await client.list(bucket: "b", prefix: "p/")
        #expect(objects.map(\.name) == ["p/events-1.avro", "p/events-2.avro", "p/x.txt", "p/events-3.avro"])
        let files = try await ExportSource(["gs://b/p/events-*.avro"], gcs: client).files()
        #expect(files.map(\.description) == ["gs://b/p/events-1.avro", "gs://b/p/events-2.avro", "gs://b/p/events-3.avro"])
    }
}
