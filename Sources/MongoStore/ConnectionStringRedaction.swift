/// Redacts a MongoDB connection string for logs, errors and `lodestar doctor`: the password (which may itself
/// contain `@`, `:` or `/` when the user did not percent-encode it) and every option that carries a secret.
///
/// ```
/// mongodb://app:p@ss/w0rd@db1,db2/?tlsCertificateKeyFilePassword=x&w=majority
/// → mongodb://app:***@db1,db2/?tlsCertificateKeyFilePassword=***&w=majority
/// ```
/// When the string cannot be read, more is hidden rather than less.
enum ConnectionStringRedaction {
    /// Option names (lower-cased) whose values are secrets, plus any name containing one of `secretWords`.
    static let secretOptions: Set<String> = [
        "authmechanismproperties", "tlscertificatekeyfilepassword", "sslclientcertificatekeypassword", "sslpemkeypassword",
    ]
    static let secretWords = ["password", "secret", "token", "credential", "key"]

    static func isSecretOption(_ name: String) -> Bool {
        let n = name.lowercased()
        return secretOptions.contains(n) || secretWords.contains { n.contains($0) }
    }

    static func redact(_ uri: String) -> String {
        guard let scheme = uri.range(of: "://") else { return uri.contains("@") ? "***" : uri }
        let head = String(uri[..<scheme.upperBound])
        let rest = Substring(uri[scheme.upperBound...])
        // The hosts follow the last '@' whose following segment (up to '/' or '?') looks like a host list.
        var hostStart = rest.startIndex
        var userinfo: Substring?
        var i = rest.endIndex
        while i > rest.startIndex {
            i = rest.index(before: i)
            guard rest[i] == "@" else { continue }
            let after = rest[rest.index(after: i)...]
            let segment = after.prefix { $0 != "/" && $0 != "?" }
            if !segment.contains("=") && !segment.contains("&") {
                userinfo = rest[..<i]
                hostStart = rest.index(after: i)
                break
            }
        }
        var out = head
        if let userinfo {
            if let colon = userinfo.firstIndex(of: ":") {
                out += userinfo[..<colon] + ":***@"
            } else {
                out += "***@"  // a user name alone may be an X.509 subject or an access key: hide it too
            }
        }
        let hostsAndOptions = rest[hostStart...]
        guard let q = hostsAndOptions.firstIndex(of: "?") else { return out + hostsAndOptions }
        out += hostsAndOptions[...q]
        let options = hostsAndOptions[hostsAndOptions.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false)
        out += options.map { option -> String in
            guard let eq = option.firstIndex(of: "=") else { return String(option) }
            let name = option[..<eq]
            return isSecretOption(String(name)) ? name + "=***" : String(option)
        }.joined(separator: "&")
        return out
    }
}
