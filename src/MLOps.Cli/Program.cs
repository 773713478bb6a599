using System.CommandLine;
using MLOps.Cli.Commands;
using MLOps.Cli.Output;

namespace MLOps.Cli;

/// <summary>The entry point of <c>mlops</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        RootCommand root = CreateRootCommand();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Usage errors exit with 2 (System.CommandLine's own default is 1, which mlops keeps for "drift detected").
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                CliOutput.Error(error.Message);
            }

            string command = string.Join(' ', parsed.CommandResult.Command.Ancestors().Append(parsed.CommandResult.Command).Skip(1).Select(c => c.Name));
            Console.Error.WriteLine($"See 'mlops {(command.Length == 0 ? "" : command + " ")}--help'.");
            return ExitCodes.UsageOrInputError;
        }

        return await parsed.InvokeAsync();
    }

    public static RootCommand CreateRootCommand()
    {
        var context = new CliContext();
        var root = new RootCommand("mlops: the model registry, reference profiles, drift checks and the prediction log of MLOps for .NET, from the command line.");
        root.Add(context.Json);
        root.Add(ModelCommands.Models(context));
        root.Add(ModelCommands.Versions(context));
        root.Add(ModelCommands.Aliases(context));
        root.Add(PromotionCommands.Promote(context));
        root.Add(PromotionCommands.Rollback(context));
        root.Add(PromotionCommands.Approvals(context));
        root.Add(AuditCommand.Create(context));
        root.Add(ProfileCommand.Create(context));
        root.Add(DriftCommand.Create(context));
        root.Add(MonitorCommand.Create(context));
        return root;
    }

    private static List<Command> Ancestors(this Command command)
    {
        var chain = new List<Command>();
        for (Symbol? parent = command.Parents.FirstOrDefault(); parent is Command c; parent = c.Parents.FirstOrDefault())
        {
            chain.Insert(0, c);
        }

        return chain;
    }
}
