using System.Collections.Concurrent;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Tests.Quality.Support;

/// <summary>An <see cref="ILeaderElection"/> the test switches.</summary>
public sealed class SwitchableLeader(bool isLeader) : ILeaderElection
{
    public bool IsLeader { get; set; } = isLeader;

    public IDisposable Subscribe(Action<bool> handler) => new Unsubscribed();

    private sealed class Unsubscribed : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

/// <summary>A shared store in memory, as the fleet's database is: the prediction log, the feedback log and the queue.</summary>
public sealed class InMemoryFleetStore : IPredictionLog, IFeedbackLog, IFleetFeedbackQueue
{
    private readonly ConcurrentDictionary<PredictionId, PredictionRecord> _predictions = new();
    private readonly ConcurrentDictionary<PredictionId, FeedbackRecord> _feedback = new();
    private readonly Lock _gate = new();
    private readonly List<QueuedFeedback> _queue = [];
    private readonly HashSet<PredictionId> _queued = [];
    private readonly HashSet<long> _completed = [];
    private long _next;

    /// <summary>Gets or sets how many of the next <see cref="CompleteAsync"/> calls fail (a database outage).</summary>
    public int FailCompletes { get; set; }

    public int CompletedCount
    {
        get
        {
            lock (_gate)
            {
                return _completed.Count;
            }
        }
    }

    public ValueTask AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default)
    {
        foreach (PredictionRecord record in records)
        {
            _predictions[record.PredictionId] = record;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Gets or sets whether <see cref="FindAsync"/> fails (the prediction log's database is down).</summary>
    public bool FailFinds { get; set; }

    public ValueTask<PredictionRecord?> FindAsync(PredictionId predictionId, CancellationToken cancellationToken = default) =>
        FailFinds
            ? ValueTask.FromException<PredictionRecord?>(new IOException("The prediction log's database is down."))
            : ValueTask.FromResult(_predictions.TryGetValue(predictionId, out PredictionRecord record) ? record : (PredictionRecord?)null);

    public ValueTask<bool> TryAppendAsync(FeedbackRecord feedback, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_feedback.TryAdd(feedback.PredictionId, feedback));

    public ValueTask<bool> TryEnqueueAsync(PredictionRecord prediction, FeedbackRecord feedback, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_queued.Add(prediction.PredictionId))
            {
                return ValueTask.FromResult(false);
            }

            _queue.Add(new QueuedFeedback(++_next, prediction, feedback));
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyList<QueuedFeedback>> ReadPendingAsync(int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<QueuedFeedback>>([.. _queue.Where(q => !_completed.Contains(q.Position)).Take(limit)]);
        }
    }

    public ValueTask CompleteAsync(IReadOnlyList<long> positions, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (FailCompletes > 0)
            {
                FailCompletes--;
                throw new InvalidOperationException("The store is down.");
            }

            _completed.UnionWith(positions);
        }

        return ValueTask.CompletedTask;
    }
}
