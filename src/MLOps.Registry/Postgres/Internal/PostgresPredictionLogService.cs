using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// Runs the prediction log's partition maintenance when the host starts and then every hour (every quarter of the
/// partition interval when that is shorter), so partitions exist before the writer needs them and expire on time. A
/// failed pass is logged and tried again after <see cref="RetryDelay"/>; it never stops the loop, and the writer creates
/// any partition it misses on its own.
/// </summary>
internal sealed class PostgresPredictionLogService(PostgresPredictionLog log, PostgresPredictionLogOptions options, TimeProvider time, ILogger logger)
    : BackgroundService
{
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    internal TimeSpan Interval { get; } = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, options.PartitionInterval.Ticks / 4));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay = Interval;
            try
            {
                await log.RunMaintenanceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // One failed pass must not stop the next.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                delay = RetryDelay < Interval ? RetryDelay : Interval;
                Log.PredictionLogMaintenanceFailed(logger, ex, log.Schema, delay);
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
