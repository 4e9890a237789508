import MongoStore
import Testing

@Suite("Connection strings are redacted fully")
struct RedactionTests {
    static let cases: [(String, String, [String])] = [
        ("mongodb://app:s3cret@db1:27017/", "mongodb://app:***@db1:27017/", ["s3cret"]),
        ("mongodb://app:p@ss@word@db1,db2/lodestar?replicaSet=rs", "mongodb://app:***@db1,db2/lodestar?replicaSet=rs", ["p@ss", "ss@word"]),
        ("mongodb://app:pa:ss/w0rd@db1/", "mongodb://app:***@db1/", ["pa:ss", "w0rd"]),
        ("mongodb+srv://u:x%40y@cluster.example.net/?retryWrites=true", "mongodb+srv://u:***@cluster.example.net/?retryWrites=true", ["x%40y"]),
        ("mongodb://db1/?tlsCertificateKeyFilePassword=hunter2&w=majority", "mongodb://db1/?tlsCertificateKeyFilePassword=***&w=majority", ["hunter2"]),
        ("mongodb://u:pw@db1/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok123",
         "mongodb://u:***@db1/?authMechanism=MONGODB-AWS&authMechanismProperties=***", ["pw", "tok123"]),
        ("mongodb://AKIAEXAMPLE@db1/?authMechanism=MONGODB-AWS", "mongodb://***@db1/?authMechanism=MONGODB-AWS", ["AKIAEXAMPLE"]),
        ("mongodb://127.0.0.1:27017/", "mongodb://127.0.0.1:27017/", []),
        ("not a uri with user:pw@host", "***", ["pw"]),
    ]

    @Test("passwords (even with @, : or /) and secret options never show", arguments: 0..<RedactionTests.cases.count)
    func redacts(_ i: Int) {
        let (uri, expected, secrets) = Self.cases[i]
        let shown = MongoClient.redactForDisplay(uri)
        #expect(shown == expected)
        for s in secrets { #expect(!shown.contains(s), "\(s) leaked in \(shown)") }
    }
}
