using System.CommandLine;
using System.Net.Sockets;
using MLOps.Cli.Output;
using Npgsql;

namespace MLOps.Cli.Commands;

/// <summary>Runs a command's action and turns every failure into a one-line message and an exit code, never a stack trace.</summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction((result, ct) => RunAsync(() => action(result, ct)));

    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            (string message, int code) = Describe(ex);
            CliOutput.Error(message);
            return code;
        }
    }

    public static (string Message, int ExitCode) Describe(Exception ex) => ex switch
    {
        CliException cli => (cli.Message, cli.ExitCode),
        PromotionRejectedException rejected => ($"refused by a promotion gate: {string.Join("; ", rejected.Failures)}", ExitCodes.RefusedByGate),
        RegistryConflictException conflict => ($"conflict: {conflict.Message} (re-read the alias history and retry with the current --expected-revision)", ExitCodes.UsageOrInputError),
        ModelRegistryException registry => ($"registry: {registry.Message}", ExitCodes.UsageOrInputError),
        NpgsqlException or SocketException => ($"cannot use the PostgreSQL registry: {ex.Message}", ExitCodes.UsageOrInputError),
        ArgumentException argument => (argument.Message, ExitCodes.UsageOrInputError),
        OperationCanceledException => ("cancelled.", ExitCodes.UsageOrInputError),
        UnauthorizedAccessException or IOException => ($"{ex.Message}", ExitCodes.UsageOrInputError),
        _ => ($"unexpected error ({ex.GetType().Name}): {ex.Message}", ExitCodes.UsageOrInputError),
    };
}
