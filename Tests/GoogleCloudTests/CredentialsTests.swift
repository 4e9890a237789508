import CryptoExtras
import Foundation
@testable import GoogleCloud
import Testing

/// One RSA key for the tests (generation is the slow part).
enum TestKey {
    static let privateKey: _RSA.Signing.PrivateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    static func serviceAccount(email: String, tokenURI: URL, projectID: String? = "key-project") -> ServiceAccountKey {
        ServiceAccountKey(clientEmail: email, privateKey: privateKey.pkcs8PEMRepresentation, privateKeyID: "kid-1",
                          tokenURI: tokenURI, projectID: projectID)
    }
}

/// Checks a JWT's RS256 signature with the test key's public half and returns its header and claims.
func verifiedJWT(_ jwt: String) throws -> (header: [String: Any], claims: [String: Any]) {
    let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
    #expect(parts.count == 3)
    guard parts.count == 3, let h = Base64URL.decode(parts[0]), let c = Base64URL.decode(parts[1]),
          let s = Base64URL.decode(parts[2]) else { throw GoogleCloudError(call: "jwt", kind: .invalidResponse, message: "not a JWT") }
    let signature = _RSA.Signing.RSASignature(rawRepresentation: s)
    let valid = TestKey.privateKey.publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8),
                                                              padding: .insecurePKCS1v1_5)
    #expect(valid, "the JWT's RS256 signature does not verify with the key's public half")
    // A tampered payload must not verify.
    let tampered = TestKey.privateKey.publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])x".utf8),
                                                                 padding: .insecurePKCS1v1_5)
    #expect(!tampered)
    return (try JSONSerialization.jsonObject(with: h) as! [String: Any], try JSONSerialization.jsonObject(with: c) as! [String: Any])
}

@Suite struct CredentialsTests {
    static let tokenURI = URL(string: "https://oauth2.example.test/token")!

    /// A token endpoint that answers `expires_in` seconds and counts exchanges; `delay` keeps a request in flight.
    static func tokenEndpoint(expiresIn: Int = 3600, failFrom: Int = .max, delay: Duration = .zero) -> FakeTransport {
        FakeTransport { request, n in
            if delay > .zero { try await Task.sleep(for: delay) }
            if n >= failFrom { return .json(#"{"error":"invalid_grant","error_description":"key disabled"}"#, status: 400) }
            let form = String(decoding: request.body ?? Data(), as: UTF8.self)
            #expect(request.method == "POST")
            #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
            #expect(form.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="))
            return .json(#"{"access_token":"ya29.token-\#(n)","expires_in":\#(expiresIn),"token_type":"Bearer"}"#)
        }
    }

    @Test func jwtCarriesTheClaimsGoogleExpectsAndVerifies() throws {
        let key = TestKey.serviceAccount(email: "sa@p.iam.gserviceaccount.com", tokenURI: Self.tokenURI)
        let now = Date(timeIntervalSince1970: 1_800_000_123.7)
        let jwt = try ServiceAccountJWT(key: key).assertion(scopes: ["s1", "s2"], now: now)
        let (header, claims) = try verifiedJWT(jwt)
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == "kid-1")
        #expect(claims["iss"] as? String == "sa@p.iam.gserviceaccount.com")
        #expect(claims["scope"] as? String == "s1 s2")
        #expect(claims["aud"] as? String == Self.tokenURI.absoluteString)
        #expect(claims["iat"] as? Int == 1_800_000_123)
        #expect(claims["exp"] as? Int == 1_800_000_123 + 3600)
    }

    @Test func tokensAreCachedAndRefreshedFiveMinutesBeforeExpiry() async throws {
        let clock = TestClock()
        let endpoint = Self.tokenEndpoint(expiresIn: 3600)
        let creds = try ServiceAccountCredentials(key: TestKey.serviceAccount(email: "a@b", tokenURI: Self.tokenURI),
                                                  transport: endpoint, clock: clock.cloud)
        let t1 = try await creds.token()
        #expect(t1?.value == "ya29.token-1")
        #expect(t1?.expiresAt == clock.now.addingTimeInterval(3600))
        clock.advance(3600 - 301)  // 5 min 1 s before expiry: still cached
        #expect(try await creds.token()?.value == "ya29.token-1")
        #expect(await creds.exchanges == 1)
        clock.advance(2)  // 4 min 59 s before expiry: refreshed
        #expect(try await creds.token()?.value == "ya29.token-2")
        #expect(await creds.exchanges == 2)
        // The JWT of the second exchange was issued at the clock's time.
        let form = String(decoding: endpoint.requests[1].body!, as: UTF8.self)
        let (_, claims) = try verifiedJWT(String(form.split(separator: "=").last!))
        #expect(claims["iat"] as? Int == Int(clock.now.timeIntervalSince1970))
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let clock = TestClock()
        let endpoint = Self.tokenEndpoint(delay: .milliseconds(100))
        let creds = try ServiceAccountCredentials(key: TestKey.serviceAccount(email: "a@b", tokenURI: Self.tokenURI),
                                                  transport: endpoint, clock: clock.cloud)
        let values = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<20 { group.addTask { try await creds.token()?.value } }
            var out: [String?] = []
            for try await v in group { out.append(v) }
            return out
        }
        #expect(values.count == 20)
        #expect(Set(values) == ["ya29.token-1"])
        #expect(endpoint.requests.count == 1)
        // After an invalidation (a 401), concurrent callers again share one exchange.
        await creds.invalidate(AccessToken(value: "ya29.token-1", expiresAt: clock.now.addingTimeInterval(3600)))
        async let a = creds.token()
        async let b = creds.token()
        #expect(try await [a?.value, b?.value] == ["ya29.token-2", "ya29.token-2"])
        #expect(endpoint.requests.count == 2)
    }

    @Test func aFailedRefreshKeepsAStillValidTokenThenFailsWhenExpired() async throws {
        let clock = TestClock()
        let creds = try ServiceAccountCredentials(key: TestKey.serviceAccount(email: "a@b", tokenURI: Self.tokenURI),
                                                  transport: Self.tokenEndpoint(expiresIn: 3600, failFrom: 2),
                                                  retry: .none, clock: clock.cloud)
        #expect(try await creds.token()?.value == "ya29.token-1")
        clock.advance(3600 - 60)
        #expect(try await creds.token()?.value == "ya29.token-1")
        clock.advance(120)
        let e = await #expect(throws: GoogleCloudError.self) { try await creds.token() }
        #expect(e?.kind == .credentials)
        #expect(e?.message.contains("invalid_grant: key disabled") == true)
        #expect(e?.call == "oauth2.token a@b")
    }

    @Test func tokenResponsesAreChecked() async throws {
        for body in [#"{"token_type":"Bearer"}"#, #"{"access_token":"","expires_in":10}"#,
                     #"{"access_token":"x","expires_in":-5}"#, #"{"access_token":"x","token_type":"MAC"}"#, "not json"] {
            let creds = try ServiceAccountCredentials(key: TestKey.serviceAccount(email: "a@b", tokenURI: Self.tokenURI),
                                                      transport: FakeTransport { _, _ in .json(body) }, clock: TestClock().cloud)
            let e = await #expect(throws: GoogleCloudError.self, "\(body)") { try await creds.token() }
            #expect(e?.kind == .invalidResponse)
        }
    }

    @Test func aBadPrivateKeyIsACredentialsError() {
        let key = ServiceAccountKey(clientEmail: "a@b", privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        let e = #expect(throws: GoogleCloudError.self) { try ServiceAccountCredentials(key: key) }
        #expect(e?.kind == .credentials)
    }

    @Test func credentialsFilesOfEachKind() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gc-creds-\(uniqueSuffix())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ object: [String: Any]) throws -> String {
            let url = dir.appendingPathComponent(name)
            try JSONSerialization.data(withJSONObject: object).write(to: url)
            return url.path
        }
        let sa = try write("sa.json", [
            "type": "service_account", "project_id": "proj-1", "private_key_id": "k1",
            "private_key": TestKey.privateKey.pkcs8PEMRepresentation, "client_email": "sa@proj-1.iam.gserviceaccount.com",
            "client_id": "1", "token_uri": Self.tokenURI.absoluteString,
        ])
        let provider = try CredentialsFile.load(path: sa, transport: Self.tokenEndpoint(), clock: TestClock().cloud)
        let saCreds = try #require(provider as? ServiceAccountCredentials)
        #expect(saCreds.key.projectID == "proj-1")
        #expect(try await provider.token()?.value == "ya29.token-1")

        let user = try write("user.json", ["type": "authorized_user", "client_id": "cid", "client_secret": "s&cret",
                                           "refresh_token": "1//rt"])
        let userEndpoint = FakeTransport { r, _ in
            #expect(r.url.absoluteString == "https://oauth2.googleapis.com/token")
            #expect(String(decoding: r.body!, as: UTF8.self)
                == "grant_type=refresh_token&client_id=cid&client_secret=s%26cret&refresh_token=1%2F%2Frt")
            return .json(#"{"access_token":"user-token","expires_in":3599}"#)
        }
        let userCreds = try CredentialsFile.load(path: user, transport: userEndpoint, clock: TestClock().cloud)
        #expect(try await userCreds.token()?.value == "user-token")

        let external = try write("ext.json", ["type": "external_account"])
        let e1 = #expect(throws: GoogleCloudError.self) { try CredentialsFile.load(path: external) }
        #expect(e1?.message.contains("'external_account' are not supported") == true)
        let missing = #expect(throws: GoogleCloudError.self) { try CredentialsFile.load(path: dir.path + "/nope.json") }
        #expect(missing?.kind == .credentials)
        let noKey = try write("nokey.json", ["type": "service_account", "client_email": "x@y"])
        let e2 = #expect(throws: GoogleCloudError.self) { try CredentialsFile.load(path: noKey) }
        #expect(e2?.message.contains("missing field 'private_key'") == true)
    }

    @Test func metadataServerTokensAreAskedWithTheFlavorHeaderAndCached() async throws {
        let clock = TestClock()
        let md = FakeTransport { r, n in
            #expect(r.headers["Metadata-Flavor"] == "Google")
            #expect(r.url.absoluteString.hasPrefix("http://md.test:8080/computeMetadata/v1/instance/service-accounts/default/token?scopes="))
            return .json(#"{"access_token":"md-\#(n)","expires_in":1800,"token_type":"Bearer"}"#)
        }
        let creds = MetadataServerCredentials(host: "md.test:8080", transport: md, clock: clock.cloud)
        #expect(try await creds.token()?.value == "md-1")
        clock.advance(1800 - 400)
        #expect(try await creds.token()?.value == "md-1")
        clock.advance(200)
        #expect(try await creds.token()?.value == "md-2")
        #expect(await creds.fetches == 2)
    }

    @Test func metadataServerUnreachableSaysWhatToDo() async throws {
        let down = FakeTransport { _, _ in throw HTTPTransportError.connectionFailed("could not resolve host") }
        let creds = MetadataServerCredentials(host: "metadata.google.internal", transport: down, clock: TestClock().cloud)
        let e = await #expect(throws: GoogleCloudError.self) { try await creds.token() }
        #expect(e?.kind == .credentials)
        #expect(e?.message.contains("GOOGLE_APPLICATION_CREDENTIALS") == true)
    }

    @Test func configurationPicksCredentialsLikeGoogleLibraries() async throws {
        let fixed = try GoogleCloudConfiguration(credentialsFile: "/nonexistent", accessToken: "tok").credentials()
        #expect(fixed is FixedTokenCredentials)
        #expect(throws: GoogleCloudError.self) { try GoogleCloudConfiguration(credentialsFile: "/nonexistent").credentials() }
        let md = try GoogleCloudConfiguration(metadataHost: "169.254.169.254").credentials()
        #expect((md as? MetadataServerCredentials)?.host == "169.254.169.254")

        // Emulators: no credentials at all, even when a (broken) credentials file is configured.
        let emu = GoogleCloudConfiguration(storageEmulatorHost: "127.0.0.1:9023", pubsubEmulatorHost: "http://127.0.0.1:8085",
                                           credentialsFile: "/nonexistent", projectID: "demo")
        let gcs = try emu.storageClient()
        #expect(gcs.endpoint.absoluteString == "http://127.0.0.1:9023")
        #expect(gcs.http.credentials is NoCredentials)
        let pubsub = try await emu.pubSubClient()
        #expect(pubsub.endpoint.absoluteString == "http://127.0.0.1:8085")
        #expect(pubsub.project == "demo")
        #expect(pubsub.http.credentials is NoCredentials)
        await #expect(throws: GoogleCloudError.self) {
            try await GoogleCloudConfiguration(pubsubEmulatorHost: "127.0.0.1:8085").pubSubClient()
        }
        #expect(throws: GoogleCloudError.self) { try GoogleCloudConfiguration(storageEmulatorHost: "ftp://x").storageClient() }

        // The project defaults to the key file's.
        let sa = try ServiceAccountCredentials(key: TestKey.serviceAccount(email: "a@b", tokenURI: Self.tokenURI))
        let fromKey = try await GoogleCloudConfiguration().pubSubClient(credentials: sa)
        #expect(fromKey.project == "key-project")
        #expect(fromKey.endpoint == PubSubClient.googleEndpoint)
    }

    @Test func rfc3339AsGoogleWritesIt() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339.parse("2024-02-29T12:34:56.5Z") == Date(timeIntervalSince1970: 1_709_210_096.5))
        let nanos = RFC3339.parse("2024-02-29T12:34:56.123456789Z")!.timeIntervalSince1970
        #expect(abs(nanos - 1_709_210_096.123456789) < 1e-6)
        #expect(RFC3339.parse("2024-02-29T14:34:56+02:00") == Date(timeIntervalSince1970: 1_709_210_096))
        for bad in ["", "2024-02-29", "2024-13-01T00:00:00Z", "2024-02-29T12:34:56", "2024-02-29T12:34:56.Z", "x024-02-29T12:34:56Z"] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
    }
}
