using System.Collections.Concurrent;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Tests.Quality.Support;

/// <summary>An <see cref="ILeaderElection"/> the test switches; subscribers hear of each change, as from a real election.</summary>
public sealed class SwitchableLeader(bool isLeader) : ILeaderElection
{
    private readonly List<Action<bool>> _handlers = [];
    private bool _isLeader = isLeader;

    public bool IsLeader
    {
        get => _isLeader;
        set
        {
            if (_isLeader == value)
            {
                return;
            }

            _isLeader = value;
            foreach (Action<bool> handler in _handlers.ToArray())
            {
                handler(value);
            }
        }
    }

    public IDisposable Subscribe(Action<bool> handler)
    {
        _handlers.Add(handler);
        return new Unsubscribe(() => _handlers.Remove(handler));
    }

    private sealed class Unsubscribe(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

/// <summary>
/// A shared store in memory, as the fleet's database is: the prediction log, the feedback log and the queue, with the
/// queue's contract (claims by term with a compare-and-set, a window published with its rows deleted atomically).
/// </summary>
public sealed class InMemoryFleetStore : IPredictionLog, IFeedbackLog, IFleetFeedbackQueue
{
    private readonly ConcurrentDictionary<PredictionId, PredictionRecord> _predictions = new();
    private readonly ConcurrentDictionary<PredictionId, FeedbackRecord> _feedback = new();
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, QueuedFeedback> _queue = [];
    private readonly HashSet<PredictionId> _queued = [];
    private readonly List<(Guid Id, QualityWindow Window)> _published = [];
    private long _next;

    /// <summary>Gets or sets how many of the next <see cref="TryPublishAsync"/> calls fail before they change anything (a database outage).</summary>
    public int FailPublishes { get; set; }

    /// <summary>Gets or sets how many of the next <see cref="TryPublishAsync"/> calls commit and then fail (the answer to the commit is lost).</summary>
    public int LoseCommitAnswers { get; set; }

    /// <summary>Gets or sets how many of the next <see cref="ReadPublishedAsync"/> calls fail.</summary>
    public int FailReads { get; set; }

    /// <summary>Gets the rows still queued.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Gets the published windows, in the order they were published.</summary>
    public IReadOnlyList<QualityWindow> Published
    {
        get
        {
            lock (_gate)
            {
                return [.. _published.Select(p => p.Window)];
            }
        }
    }

    /// <summary>Gets the term holding each queued row (null: none).</summary>
    public IReadOnlyList<Guid?> Holders
    {
        get
        {
            lock (_gate)
            {
                return [.. _queue.Values.Select(q => q.JoinedBy)];
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

    /// <summary>Gets or sets how many of the next <see cref="TryEnqueueAsync"/> calls fail before they change anything (the database failing between the two claim writes).</summary>
    public int FailEnqueues { get; set; }

    /// <summary>Queues the pair once ever, with the stored feedback when there is one (the one that won), as the PostgreSQL queue does.</summary>
    public ValueTask<bool> TryEnqueueAsync(PredictionRecord prediction, FeedbackRecord feedback, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (FailEnqueues > 0)
            {
                FailEnqueues--;
                return ValueTask.FromException<bool>(new IOException("The fleet's database went away before the pair was queued."));
            }

            if (!_queued.Add(prediction.PredictionId))
            {
                return ValueTask.FromResult(false);
            }

            FeedbackRecord won = _feedback.TryGetValue(prediction.PredictionId, out FeedbackRecord stored) ? stored : feedback;
            _queue.Add(++_next, new QueuedFeedback(_next, prediction, won));
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyList<QueuedFeedback>> ReadAsync(Guid joiner, bool includeOtherJoiners, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<QueuedFeedback>>(
                [.. _queue.Values.Where(q => includeOtherJoiners ? q.JoinedBy != joiner : q.JoinedBy is null).Take(limit)]);
        }
    }

    public ValueTask<IReadOnlySet<long>> ClaimAsync(Guid joiner, IReadOnlyList<QueuedFeedback> pairs, CancellationToken cancellationToken = default)
    {
        var claimed = new HashSet<long>();
        lock (_gate)
        {
            foreach (QueuedFeedback pair in pairs)
            {
                if (_queue.TryGetValue(pair.Position, out QueuedFeedback row) && row.JoinedBy == pair.JoinedBy)
                {
                    _queue[pair.Position] = row with { JoinedBy = joiner };
                    claimed.Add(pair.Position);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlySet<long>>(claimed);
    }

    public ValueTask<bool> TryPublishAsync(Guid joiner, Guid windowId, QualityWindow window, IReadOnlyList<long> positions, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (FailPublishes > 0)
            {
                FailPublishes--;
                throw new InvalidOperationException("The store is down.");
            }

            if (_published.Any(p => p.Id == windowId))
            {
                return ValueTask.FromResult(true);
            }

            if (positions.Distinct().Count() != positions.Count
                || !positions.All(p => _queue.TryGetValue(p, out QueuedFeedback row) && row.JoinedBy == joiner))
            {
                return ValueTask.FromResult(false);
            }

            foreach (long position in positions)
            {
                _queue.Remove(position);
            }

            _published.Add((windowId, QualityWindow.FromJson(window.ToJson())));
            if (LoseCommitAnswers > 0)
            {
                LoseCommitAnswers--;
                throw new InvalidOperationException("The connection broke before the commit was acknowledged.");
            }

            return ValueTask.FromResult(true);
        }
    }

    public ValueTask DeleteAsync(Guid joiner, IReadOnlyList<long> positions, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (long position in positions)
            {
                if (_queue.TryGetValue(position, out QueuedFeedback row) && row.JoinedBy == joiner)
                {
                    _queue.Remove(position);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(Guid joiner, IReadOnlyList<long>? positions, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (QueuedFeedback row in _queue.Values.ToList())
            {
                if (row.JoinedBy == joiner && (positions is null || positions.Contains(row.Position)))
                {
                    _queue[row.Position] = row with { JoinedBy = null };
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<QualityWindow>> ReadPublishedAsync(ModelName model, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (FailReads > 0)
            {
                FailReads--;
                throw new InvalidOperationException("The store is down.");
            }

            List<QualityWindow> mine = [.. _published.Select(p => p.Window).Where(w => w.ModelName == model)];
            HashSet<QualityWindow> latest = [.. mine.GroupBy(w => (w.ModelVersion, w.Variant)).Select(g => g.Last())];
            return ValueTask.FromResult<IReadOnlyList<QualityWindow>>(
                [.. mine.Where((w, i) => i >= mine.Count - limit || latest.Contains(w))]);
        }
    }
}
