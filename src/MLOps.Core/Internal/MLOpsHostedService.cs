using Microsoft.Extensions.Hosting;

namespace MLOps.Internal;

/// <summary>
/// Loads every registered model when the host starts, so a missing or corrupt model fails the start with a clear
/// error instead of failing the first request.
/// </summary>
internal sealed class MLOpsHostedService(ModelCatalog catalog) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<IModelRuntime> runtimes = catalog.Runtimes;
        Task[] starts = new Task[runtimes.Count];
        for (int i = 0; i < starts.Length; i++)
        {
            // Sources such as files load synchronously (file and CPU work): run each start on the thread pool so the
            // models still load concurrently.
            IModelRuntime runtime = runtimes[i];
            starts[i] = Task.Run(() => runtime.StartAsync(cancellationToken), CancellationToken.None);
        }

        Task all = Task.WhenAll(starts);
        try
        {
            await all.ConfigureAwait(false);
        }
        catch when (all.Exception is { InnerExceptions.Count: > 1 } aggregate)
        {
            throw new AggregateException("Several models could not be loaded at startup.", aggregate.InnerExceptions);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
