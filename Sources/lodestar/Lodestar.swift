import ArgumentParser
import Foundation
import LinearAlgebra

@main
struct Lodestar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lodestar",
        abstract: "Learning features for a multi-tenant e-learning platform: embeddings, dropout risk, recommendations.",
        subcommands: [
            Doctor.self,
            RunCommand.self,
            ModelsCommand.self,
            TenantsCommand.self,
            ShowCommand.self,
            BenchMongo.self,
            BenchLinalg.self,
            Generate.self,
            Validate.self,
            BenchIngest.self,
            BenchModels.self,
            ServeCommand.self,
            TokenCommand.self,
            PublishCommand.self,
            PubSubCommand.self,
            BenchStreamApply.self,
            BenchQuality.self,
            JobsCommand.self,
            ServeCommand.self,
        ]
    )

    /// Hands the environment's settings to the libraries once, then runs the command.
    static func main() async {
        BLASSettings.userChoseCore(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
