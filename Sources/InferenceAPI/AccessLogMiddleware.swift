import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// Gives each request its id (`X-Request-ID`: the client's when it is a short safe token, else a new one), records
/// its count and latency per route template, method and status (swift-metrics: `lodestar_http_requests_total`,
/// `lodestar_http_request_duration_seconds`), and writes one structured access-log line. The path logged is the
/// route template (`/v1/tenants/{tenant}/…`) plus the tenant, never the query string or any header, so tokens
/// never reach the log.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let metrics: RequestMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        var context = context
        let id = request.headers[.xRequestID].flatMap(Self.acceptable) ?? Self.newID()
        context.requestID = id  // logged with the access line and with errors (setting logger metadata per request is costly)
        var response = try await next(request, context)
        response.headers[.xRequestID] = id
        let route = context.endpointPath ?? "unmatched"
        let elapsed = DispatchTime.now().uptimeNanoseconds &- start
        metrics.record(route: route, method: request.method.rawValue, status: response.status.code, nanoseconds: elapsed)
        guard context.logger.logLevel <= .info else { return response }
        var meta: Logger.Metadata = [
            "request_id": .string(id), "method": .string(request.method.rawValue), "route": .string(route), "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.3f", Double(elapsed) / 1e6)),
        ]
        if let p = context.principal {
            meta["subject"] = .string(p.subject)
        }
        context.logger.info("access", metadata: meta)
        return response
    }

    static func acceptable(_ value: String) -> String? {
        guard !value.isEmpty, value.utf8.count <= 64,
              value.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 46 || $0 == 95 })
        else { return nil }
        return value
    }

    static func newID() -> String {
        var g = SystemRandomNumberGenerator()
        let v = g.next() as UInt64
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-ID")!
}
