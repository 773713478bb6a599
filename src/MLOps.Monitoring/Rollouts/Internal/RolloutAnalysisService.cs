using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>
/// The hosted analysis loop: every <see cref="RolloutAnalysisOptions.PollInterval"/> it runs a pass of the
/// <see cref="RolloutAnalyzer"/> over the served models (each rollout is analysed when its own interval has passed). A
/// failed pass is logged and the loop goes on. In a fleet only the leader (<see cref="ILeaderElection"/>) analyses and
/// decides; the other replicas skip their passes, so no decision is taken twice. The leader judges the arms on the traffic it
/// served itself (its share of the fleet's); figures merged across replicas are not built yet.
/// </summary>
internal sealed class RolloutAnalysisService : BackgroundService
{
    private readonly RolloutAnalyzer _analyzer;
    private readonly Func<IEnumerable<ModelName>> _models;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILeaderElection? _leadership;
    private bool _following;

    public RolloutAnalysisService(
        RolloutAnalyzer analyzer, Func<IEnumerable<ModelName>> models, TimeSpan pollInterval, TimeProvider time, ILogger logger, ILeaderElection? leadership = null)
    {
        _leadership = leadership;
        _analyzer = analyzer;
        _models = models;
        _pollInterval = pollInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Gets the number of completed passes, counted once the wait for the next one has started (tests poll it).</summary>
    internal long Passes => Interlocked.Read(ref _passes);

    private long _passes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            bool following = _leadership is { IsLeader: false };
            if (following != _following)
            {
                _following = following;
                RolloutLog.Leadership(_logger, following ? "a follower: the leader analyses the rollouts" : "the leader: analysing the rollouts");
            }

            try
            {
                if (!following)
                {
                    await _analyzer.RunOnceAsync(_models(), stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                RolloutLog.PassFailed(_logger, ex);
            }

            // The wait is started before the pass is counted: once Passes moves, the next pass is due one poll interval
            // from now on the clock, so a test that advances a fake clock after seeing Passes move never races the timer.
            Task wait = Task.Delay(_pollInterval, _time, stoppingToken);
            Interlocked.Increment(ref _passes);
            try
            {
                await wait.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
