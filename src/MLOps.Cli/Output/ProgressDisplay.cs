using Spectre.Console;

namespace MLOps.Cli.Output;

/// <summary>
/// Runs work and, when it takes longer than a second and stderr is a terminal, shows a Spectre progress bar on
/// stderr fed by <c>progress()</c> (0 to 1). Output for scripts (stdout, files) is never touched.
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    public static T Run<T>(string description, Func<double> progress, Func<T> work)
    {
        if (Console.IsErrorRedirected || Environment.GetEnvironmentVariable("MLOPS_NO_PROGRESS") is { Length: > 0 })
        {
            return work();
        }

        Task<T> task = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (task.Wait(Delay))
        {
            return task.GetAwaiter().GetResult();
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask bar = context.AddTask(description, maxValue: 1);
                while (!task.Wait(TimeSpan.FromMilliseconds(100)))
                {
                    bar.Value = Math.Clamp(progress(), 0, 1);
                    context.Refresh();
                }

                bar.Value = 1;
            });
        return task.GetAwaiter().GetResult();
    }
}
