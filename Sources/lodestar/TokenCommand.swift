import ArgumentParser
import Foundation
import InferenceAPI
import JWTKit
import LearningEvents

/// `lodestar token`: mints a development HS256 token from `LODESTAR_JWT_SECRET` (for curl and the quickstart).
/// Production tokens come from the identity provider (RS256/ES256 via `LODESTAR_JWKS_URL`).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Print a development bearer token (HS256, signed with LODESTAR_JWT_SECRET).")

    @Option(help: "Tenant the token speaks for (omit only with --role platform_admin).")
    var tenant: String?

    @Option(help: "A role: learner, service, tenant_admin, data_scientist or platform_admin (repeatable).")
    var role: [String] = ["service"]

    @Option(help: "The learner of a learner token.")
    var learner: String?

    @Option(help: "An organisation a tenant_admin reaches (repeatable); '*' alone = the whole tenant. Without it a tenant_admin reaches no organisation.")
    var org: [String] = []

    @Option(help: "Subject (sub claim).")
    var subject = "dev"

    @Option(help: "Lifetime in seconds (60…86400).")
    var ttl = 3600

    func validate() throws {
        for r in role where Role(rawValue: r) == nil {
            throw ValidationError("unknown role '\(r)': use \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (60...86_400).contains(ttl) else { throw ValidationError("--ttl must be 60…86400 seconds") }
        if let tenant, !Identifier.isValid(tenant) { throw ValidationError("invalid tenant id '\(tenant)'") }
        if tenant == nil && !role.contains(Role.platformAdmin.rawValue) { throw ValidationError("give --tenant") }
        if role.contains(Role.learner.rawValue) && learner == nil { throw ValidationError("a learner token needs --learner") }
        if org.contains(OrganisationScope.tenantWideClaim) {
            guard org.allSatisfy({ $0 == OrganisationScope.tenantWideClaim }) else {
                throw ValidationError("--org '*' (the whole tenant) cannot be combined with organisations")
            }
        } else {
            for id in org where !Identifier.isValid(id) { throw ValidationError("invalid organisation id '\(id)'") }
        }
        if let learner, !Identifier.isValid(learner) { throw ValidationError("invalid learner id '\(learner)'") }
    }

    func run() async throws {
        let config = Configuration()
        guard let secret = config.jwtSecret else { throw ValidationError("set LODESTAR_JWT_SECRET (at least 32 bytes)") }
        guard secret.utf8.count >= AuthConfiguration.minimumSecretBytes else {
            throw ValidationError("LODESTAR_JWT_SECRET must be at least \(AuthConfiguration.minimumSecretBytes) bytes")
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Array(secret.utf8)), digestAlgorithm: .sha256)
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))  // NumericDates in whole seconds
        let claims = TokenClaims(sub: subject, tenant_id: tenant, roles: role, org_ids: org.isEmpty ? nil : org, learner_id: learner,
                                 expires: now.addingTimeInterval(TimeInterval(ttl)), issuedAt: now,
                                 issuer: config.jwtIssuer, audience: config.jwtAudience.map { [$0] })
        if config.jwksURL != nil && !config.allowDevTokens {
            FileHandle.standardError.write(Data("note: LODESTAR_JWKS_URL is set, so a server with this configuration refuses HS256 tokens (LODESTAR_ALLOW_DEV_TOKENS=1 accepts them)\n".utf8))
        }
        if role.contains(Role.tenantAdmin.rawValue) && org.isEmpty {
            FileHandle.standardError.write(Data("note: this tenant_admin token names no organisation, so it reaches none (at-risk pages are empty); pass --org ID, or --org '*' for the whole tenant\n".utf8))
        }
        print(try await keys.sign(claims))
    }
}
