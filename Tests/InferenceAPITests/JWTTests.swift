import Foundation
import Hummingbird
import HummingbirdTesting
@testable import InferenceAPI
import JWTKit
import Logging
import Synchronization
import Testing

/// The OWASP JWT cheat sheet's attacks against the API's token checks.
@Suite struct JWTTests {
    static let path = "/v1/tenants/tenant-000/models"

    /// An RSA key made by openssl (PEM) and its JWK.
    static func rsaKey(kid: String) throws -> (Insecure.RSA.PrivateKey, [String: Any]) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let pem = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let key = try Insecure.RSA.PrivateKey(pem: pem)
        let (n, e) = try key.publicKey.getKeyPrimitives()
        return (key, ["kty": "RSA", "kid": kid, "use": "sig", "n": Base64URL.encode(n), "e": Base64URL.encode(e)])
    }

    static func ecKey(kid: String) -> (ES256PrivateKey, [String: Any]) {
        let key = ES256PrivateKey()
        let params = key.parameters!
        return (key, ["kty": "EC", "kid": kid, "crv": "P-256", "x": params.x, "y": params.y])
    }

    static func writeJWKS(_ keys: [[String: Any]], to url: URL) throws {
        try JSONSerialization.data(withJSONObject: ["keys": keys]).write(to: url, options: .atomic)
    }

    /// The issuer and audience of the JWKS tests (required beside a JWKS).
    static let issuer = "https://idp.example"
    static let audience = "lodestar"

    static func claims(tenant: String = "tenant-000", roles: [String] = ["service"], exp: Date = Date().addingTimeInterval(300),
                       nbf: Date? = nil, iss: String? = issuer, aud: [String]? = [audience]) -> TokenClaims {
        TokenClaims(sub: "s", tenant_id: tenant, roles: roles, expires: exp, notBefore: nbf, issuer: iss, audience: aud)
    }

    /// A development (HS256) token with the JWKS tests' issuer and audience.
    static func dev(tenant: String?, roles: [String], sub: String = "test", expires: Date = Date().addingTimeInterval(600),
                    notBefore: Date? = nil, secret: String = APIFixture.secret) async throws -> String {
        try await Tokens.make(tenant: tenant, roles: roles, sub: sub, expires: expires, notBefore: notBefore, issuer: issuer,
                              audience: [audience], secret: secret)
    }

    @Test func attacksAreRefused() async throws {
        let f = try await APIFixture.shared()
        let dir = f.dir.appendingPathComponent("jwks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let jwksFile = dir.appendingPathComponent("jwks.json")
        let (rsa, rsaJWK) = try Self.rsaKey(kid: "rsa-1")
        let (ec, ecJWK) = Self.ecKey(kid: "ec-1")
        try Self.writeJWKS([rsaJWK, ecJWK], to: jwksFile)
        // Development tokens stay accepted beside the JWKS here (LODESTAR_ALLOW_DEV_TOKENS), so both kinds of attack run.
        let (api, _) = try await f.api(jwks: .file(jwksFile), issuer: Self.issuer, audience: Self.audience, allowDevTokens: true, warm: false)

        let rsaKeys = JWTKeyCollection()
        await rsaKeys.add(rsa: rsa, digestAlgorithm: .sha256, kid: "rsa-1")
        let ecKeys = JWTKeyCollection()
        await ecKeys.add(ecdsa: ec, kid: "ec-1")
        let good = try await Self.dev(tenant: "tenant-000", roles: ["service"])
        let rs256 = try await rsaKeys.sign(Self.claims(), kid: "rsa-1")
        // A key the server has not seen yet, and the key set that will publish it.
        let (rsa2, rsa2JWK) = try Self.rsaKey(kid: "rsa-2")
        let keys2 = JWTKeyCollection()
        await keys2.add(rsa: rsa2, digestAlgorithm: .sha256, kid: "rsa-2")
        let rotated = try await keys2.sign(Self.claims(), kid: "rsa-2")
        let rotatedSet = try JSONSerialization.data(withJSONObject: ["keys": [rsaJWK, ecJWK, rsa2JWK]])
        let es256 = try await ecKeys.sign(Self.claims(), kid: "ec-1")

        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            func status(_ token: String?) async throws -> Int { try await client.get(Self.path, token: token).status }

            // The accepted ones.
            #expect(try await status(good) == 200)
            #expect(try await status(rs256) == 200)
            #expect(try await status(es256) == 200)

            // No token, not a bearer token, garbage.
            #expect(try await status(nil) == 401)
            let basic = try await client.request(.get, Self.path, headers: [.authorization: "Basic dXNlcjpwYXNz"])
            #expect(basic.status == 401 && basic.headers[.wwwAuthenticate] != nil)
            #expect(try await status("not-a-jwt") == 401)
            #expect(try await status(String(repeating: "a", count: 9000)) == 401)

            // alg none (in any spelling), with or without a signature.
            let payload = Tokens.payload(tenant: "tenant-000", roles: ["service"])
            for alg in ["none", "None", "NONE", "nOnE"] {
                #expect(try await status(Tokens.raw(header: ["alg": alg, "typ": "JWT"], payload: payload, signature: [])) == 401)
                #expect(try await status(Tokens.raw(header: ["alg": alg], payload: payload, signature: [1, 2, 3])) == 401)
            }
            // Unlisted algorithms.
            for alg in ["HS384", "HS512", "RS512", "PS256", "ES384", "EdDSA", ""] {
                #expect(try await status(Tokens.raw(header: ["alg": alg, "kid": "rsa-1"], payload: payload, signature: [1])) == 401)
            }

            // Algorithm confusion: an HS256 token keyed with the RSA public key (PEM and DER), naming the RSA kid.
            for secret in [Array(rsa.publicKey.pemRepresentation.utf8), Array(rsa.publicKey.derRepresentation)] {
                let confused = JWTKeyCollection()
                await confused.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
                var header = JWTHeader()
                header.kid = "rsa-1"
                let forged = try await confused.sign(Self.claims(), header: header)
                #expect(try await status(forged) == 401)
            }
            // An RS256 header on the EC key's kid, and an ES256 header on the RSA key's kid.
            let rsAsEC = try await rsaKeys.sign(Self.claims(), kid: "rsa-1")
            let parts = rsAsEC.split(separator: ".")
            let swapped = Base64URL.encode(try JSONSerialization.data(withJSONObject: ["alg": "RS256", "kid": "ec-1"])) + "." + parts[1] + "." + parts[2]
            #expect(try await status(swapped) == 401)
            let ecAsRS = es256.split(separator: ".")
            let swapped2 = Base64URL.encode(try JSONSerialization.data(withJSONObject: ["alg": "ES256", "kid": "rsa-1"])) + "." + ecAsRS[1] + "." + ecAsRS[2]
            #expect(try await status(swapped2) == 401)

            // Tampering: another tenant in a signed payload; a signature of another token; a wrong secret.
            let goodParts = good.split(separator: ".")
            let tampered = goodParts[0] + "." + Base64URL.encode(try JSONSerialization.data(withJSONObject: Tokens.payload(tenant: "tenant-001", roles: ["platform_admin"]))) + "." + goodParts[2]
            #expect(try await status(String(tampered)) == 401)
            #expect(try await status(try await Self.dev(tenant: "tenant-000", roles: ["service"], secret: "another-secret-of-at-least-32-bytes-long")) == 401)

            // Time: expired, not yet valid, no expiry at all; within the clock skew is fine.
            #expect(try await status(try await Self.dev(tenant: "tenant-000", roles: ["service"], expires: Date().addingTimeInterval(-120))) == 401)
            #expect(try await status(try await Self.dev(tenant: "tenant-000", roles: ["service"], notBefore: Date().addingTimeInterval(600))) == 401)
            #expect(try await status(try await Self.dev(tenant: "tenant-000", roles: ["service"], expires: Date().addingTimeInterval(-5))) == 200)
            let noExp = JWTKeyCollection()
            await noExp.add(hmac: HMACKey(from: Array(APIFixture.secret.utf8)), digestAlgorithm: .sha256)
            #expect(try await status(try await noExp.sign(TokenClaims(sub: "s", tenant_id: "tenant-000", roles: ["service"], expires: nil, issuer: Self.issuer, audience: [Self.audience]))) == 401)

            // Claims: a tenant id that breaks the identifier rule, no tenant, a learner token without a learner id.
            #expect(try await status(try await Self.dev(tenant: "../tenant-000", roles: ["service"])) == 401)
            #expect(try await status(try await Self.dev(tenant: nil, roles: ["service"])) == 401)
            #expect(try await status(try await Self.dev(tenant: "tenant-000", roles: ["learner"], sub: "")) == 401)

            // Key rotation: a token signed by a key the server has not seen yet is accepted once the JWKS has it
            // (refetched on the unknown kid), and refused while it does not.
            #expect(try await status(rotated) == 401)
            try rotatedSet.write(to: jwksFile, options: .atomic)
            #expect(try await status(rotated) == 200)
            client.expectConformance()
        }
    }

    @Test func issuerAndAudienceWhenConfigured() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(issuer: "https://idp.example", audience: "lodestar", warm: false)
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            func status(iss: String?, aud: [String]?) async throws -> Int {
                try await client.get(Self.path, token: try await Tokens.make(tenant: "tenant-000", roles: ["service"], issuer: iss, audience: aud)).status
            }
            #expect(try await status(iss: "https://idp.example", aud: ["lodestar"]) == 200)
            #expect(try await status(iss: "https://idp.example", aud: ["other", "lodestar"]) == 200)
            #expect(try await status(iss: "https://evil.example", aud: ["lodestar"]) == 401)
            #expect(try await status(iss: nil, aud: ["lodestar"]) == 401)
            #expect(try await status(iss: "https://idp.example", aud: ["other"]) == 401)
            #expect(try await status(iss: "https://idp.example", aud: nil) == 401)
            client.expectConformance()
        }
    }

    @Test func shortSecretsAndMissingKeysAreRefused() throws {
        let config = try AuthConfiguration(hmacSecret: Array(APIFixture.secret.utf8))
        for text in [String(describing: config), String(reflecting: config), "\(config)"] {
            #expect(!text.contains(APIFixture.secret) && !text.contains("\(Array(APIFixture.secret.utf8).prefix(4))".dropFirst().dropLast()))
        }
        #expect(throws: AuthConfiguration.Invalid.self) { try AuthConfiguration(hmacSecret: Array("short".utf8)) }
        #expect(throws: AuthConfiguration.Invalid.self) { try AuthConfiguration(hmacSecret: nil, jwks: nil) }
        #expect(try AuthConfiguration.jwksSource("https://idp/.well-known/jwks.json") == .url(URL(string: "https://idp/.well-known/jwks.json")!))
        #expect(try AuthConfiguration.jwksSource("/etc/jwks.json") == .file(URL(fileURLWithPath: "/etc/jwks.json")))
        #expect(throws: AuthConfiguration.Invalid.self) { try AuthConfiguration.jwksSource("ftp://x/jwks") }
    }

    /// Issue 19: with production keys (a JWKS) a leftover development secret mints nothing — an HS256
    /// `platform_admin` token is 401 on every tenant — unless `LODESTAR_ALLOW_DEV_TOKENS` says otherwise.
    @Test func hs256RefusedBesideAJWKSUnlessAllowed() async throws {
        let f = try await APIFixture.shared()
        let dir = f.dir.appendingPathComponent("jwks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let jwksFile = dir.appendingPathComponent("jwks.json")
        let (ec, ecJWK) = Self.ecKey(kid: "ec-1")
        try Self.writeJWKS([ecJWK], to: jwksFile)
        let ecKeys = JWTKeyCollection()
        await ecKeys.add(ecdsa: ec, kid: "ec-1")
        let production = try await ecKeys.sign(Self.claims(), kid: "ec-1")
        let devAdmin = try await Self.dev(tenant: nil, roles: ["platform_admin"])
        let devService = try await Self.dev(tenant: "tenant-000", roles: ["service"])
        for allow in [false, true] {
            let (api, _) = try await f.api(jwks: .file(jwksFile), issuer: Self.issuer, audience: Self.audience, allowDevTokens: allow, warm: false)
            #expect(api.configuration.auth.acceptsHS256 == allow)
            try await api.testApplication.test(.router) { raw in
                let client = try APIClient(raw)
                #expect(try await client.get(Self.path, token: production).status == 200, "the JWKS's tokens are accepted")
                for path in [Self.path, "/v1/tenants/tenant-001/models", "/v1/tenants/tenant-001/at-risk?limit=1"] {
                    let r = try await client.get(path, token: devAdmin)
                    #expect(r.status == (allow ? 200 : 401), "allow \(allow) \(path): \(r.status) \(r.text.prefix(200))")
                }
                #expect(try await client.get(Self.path, token: devService).status == (allow ? 200 : 401))
                client.expectConformance()
            }
        }
        // Without a JWKS, HS256 is the development setup and stays accepted.
        let (plain, _) = try await f.api(warm: false)
        try await plain.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            #expect(try await client.get(Self.path, token: devService).status == 200)
        }
    }

    /// Issue 19: a JWKS location is `https://`, `file://` or a path — never `http://` — and a JWKS needs the issuer and
    /// the audience (what `serve` checks before it starts).
    @Test func jwksLocationsAndRequiredIssuerAndAudience() throws {
        for text in ["http://idp.example/.well-known/jwks.json", "HTTP://idp.example/jwks", "http://127.0.0.1:8080/jwks"] {
            #expect { try AuthConfiguration.jwksSource(text) } throws: { e in
                (e as? AuthConfiguration.Invalid)?.description.contains("must be https:// or file://") == true
            }
        }
        #expect(try AuthConfiguration.jwksSource("https://idp.example/jwks") == .url(URL(string: "https://idp.example/jwks")!))
        #expect(try AuthConfiguration.jwksSource("file:///etc/lodestar/jwks.json") == .file(URL(string: "file:///etc/lodestar/jwks.json")!))
        #expect(try AuthConfiguration.jwksSource("jwks.json") == .file(URL(fileURLWithPath: "jwks.json")))
        #expect(throws: AuthConfiguration.Invalid.self) { try AuthConfiguration.jwksSource("https://") }

        let jwks = AuthConfiguration.JWKSSource.file(URL(fileURLWithPath: "/etc/jwks.json"))
        func refusal(_ issuer: String?, _ audience: String?) -> String? {
            do {
                _ = try AuthConfiguration(jwks: jwks, issuer: issuer, audience: audience)
                return nil
            } catch { return "\(error)" }
        }
        #expect(refusal(nil, nil)?.contains("LODESTAR_JWT_ISSUER and LODESTAR_JWT_AUDIENCE must be set") == true, "\(refusal(nil, nil) ?? "")")
        #expect(refusal(nil, "lodestar")?.contains("LODESTAR_JWT_ISSUER must be set") == true)
        #expect(refusal("https://idp.example", nil)?.contains("LODESTAR_JWT_AUDIENCE must be set") == true)
        #expect(refusal("", "") != nil, "empty values count as unset")
        #expect(refusal("https://idp.example", "lodestar") == nil)
        // Without a JWKS, issuer and audience stay optional (development).
        #expect(throws: Never.self) { try AuthConfiguration(hmacSecret: Array(APIFixture.secret.utf8)) }
        // A secret beside a JWKS is ignored unless allowed, and the description says so.
        let ignored = try AuthConfiguration(hmacSecret: Array(APIFixture.secret.utf8), jwks: jwks, issuer: "i", audience: "a")
        #expect(!ignored.acceptsHS256 && ignored.ignoresHMACSecret && "\(ignored)".contains("ignored beside the JWKS"))
        let allowed = try AuthConfiguration(hmacSecret: Array(APIFixture.secret.utf8), jwks: jwks, issuer: "i", audience: "a", allowDevTokens: true)
        #expect(allowed.acceptsHS256 && !allowed.ignoresHMACSecret)
    }

    /// The JWKS body limit holds while reading: a file is read up to one byte past the limit, never whole.
    @Test func jwksLargerThanTheLimitIsRefused() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let small = dir.appendingPathComponent("small.json"), big = dir.appendingPathComponent("big.json")
        try Data(repeating: UInt8(ascii: " "), count: 64).write(to: small)
        try Data(repeating: UInt8(ascii: " "), count: AuthConfiguration.maximumJWKSBytes + 1).write(to: big)
        #expect(try JWKSKeyStore.readFile(small, limit: 64).count == 64)
        #expect(throws: AuthConfiguration.Invalid.self) { try JWKSKeyStore.readFile(small, limit: 63) }
        await #expect { try await JWKSKeyStore.fetcher(for: .file(big))() } throws: { e in
            "\(e)".contains("JWKS larger than \(AuthConfiguration.maximumJWKSBytes) bytes")
        }
    }

    /// Every log line of a run with good, bad and forged tokens: none carries a token or its signature.
    @Test func tokensNeverReachTheLogs() async throws {
        let f = try await APIFixture.shared()
        let lines = LogLines()
        let (api, _) = try await f.api(warm: false)
        let logger = Logger(label: "capture") { _ in lines.handler() }
        let app = Application(router: api.router(), logger: logger)
        let good = try await Tokens.make(tenant: "tenant-000", roles: ["service"])
        let expired = try await Tokens.make(tenant: "tenant-000", roles: ["service"], expires: Date().addingTimeInterval(-3600))
        let forged = Tokens.raw(header: ["alg": "none"], payload: Tokens.payload(tenant: "tenant-000", roles: ["service"]), signature: [9, 9])
        try await app.test(.router) { raw in
            let client = try APIClient(raw)
            for t in [good, expired, forged] {
                _ = try await client.get(Self.path, token: t)
                _ = try await client.get("/v1/tenants/tenant-001/at-risk", token: t)
                _ = try await client.get("/v1/nowhere", token: t)
            }
        }
        let all = lines.all
        #expect(all.count >= 9, "the access log wrote \(all.count) lines")
        for t in [good, expired, forged] {
            let signature = String(t.split(separator: ".").last ?? "")
            #expect(!all.contains { $0.contains(t) || (!signature.isEmpty && $0.contains(signature)) })
        }
        #expect(all.contains { $0.contains("request_id") && $0.contains("route") })
    }
}

/// A log handler that keeps every line (message and metadata) in memory.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }

    func handler() -> some LogHandler { Handler(sink: self) }

    struct Handler: LogHandler {
        let sink: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
                 function: String, line: UInt) {
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            let text = "\(level) \(message) " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            sink.lines.withLock { $0.append(text) }
        }
    }
}
