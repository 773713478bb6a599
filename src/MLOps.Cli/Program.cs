using System.CommandLine;
using MLOps.Cli;
using MLOps.Cli.Commands;
using MLOps.Cli.Output;

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

ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Usage errors exit with 2 (System.CommandLine's own default is 1, which mlops keeps for "drift detected").
    foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
    {
        CliOutput.Error(error.Message);
    }

    Console.Error.WriteLine($"See 'mlops {string.Join(' ', parsed.CommandResult.Command.Name == root.Name ? [] : new[] { parsed.CommandResult.Command.Name })} --help'.".Replace("  ", " ", StringComparison.Ordinal));
    return ExitCodes.UsageOrInputError;
}

return await parsed.InvokeAsync();
