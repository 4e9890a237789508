import Hummingbird

/// The unauthenticated operational routes: `GET /healthz` (the process answers), `GET /readyz` (see `Readiness`),
/// `GET /metrics` (Prometheus text), `GET /openapi.yaml` (the contract, the file's bytes) and `GET /openapi.json`
/// (the same document as JSON). None of them names a tenant.
struct OperationsRoutes {
    let readiness: Readiness
    let cache: ModelCache
    let metricsText: @Sendable () -> [UInt8]
    /// Read when the routes are made (before the server listens): a missing resource bundle stops the start.
    var document = OpenAPIDocument.bundled

    func add(to router: Router<APIRequestContext>) {
        router.get("healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("readyz") { _, _ in
            let (ready, report) = await readiness.report()
            return try JSONResponse.make(report, status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            cache.updateGauges()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metricsText())))
        }
        let yaml = ByteBuffer(bytes: document.yaml), json = ByteBuffer(bytes: document.json)
        router.get("openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: yaml))
        }
        router.get("openapi.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: json))
        }
    }
}
