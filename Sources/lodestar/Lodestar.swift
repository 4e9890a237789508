import ArgumentParser

@main
struct Lodestar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lodestar",
        abstract: "Learning features for a multi-tenant e-learning platform: embeddings, dropout risk, recommendations.",
        subcommands: [
            Doctor.self,
            RunCommand.self,
            ModelsCommand.self,
            ShowCommand.self,
            BenchMongo.self,
            BenchLinalg.self,
            Generate.self,
            Validate.self,
            BenchIngest.self,
            BenchModels.self,
            JobsCommand.self,
            ServeCommand.self,
        ]
    )
}
