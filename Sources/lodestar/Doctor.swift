import ArgumentParser

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check BLAS/LAPACK, MongoDB and the configuration.")
    func run() async throws {}
}
