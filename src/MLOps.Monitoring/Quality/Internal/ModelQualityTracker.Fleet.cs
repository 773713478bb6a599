namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Fleet mode: the leader's <see cref="FleetFeedbackJoiner"/> joins the queued pairs with their positions; a window that
/// closes waits in <see cref="TakeClosed"/> until the joiner has published it (its rows deleted in the same transaction),
/// and only then is it recorded and told to subscribers (<see cref="Publish"/>). A follower shows the fleet's published
/// windows (<see cref="ApplyFleetWindows"/>).
/// </summary>
internal sealed partial class ModelQualityTracker
{
    private readonly List<ClosedWindow> _unpublished = [];
    private bool _fleet;

    /// <summary>Turns on fleet mode: closed windows wait for <see cref="Publish"/> instead of being told at once.</summary>
    public void UseFleet()
    {
        lock (_gate)
        {
            _fleet = true;
        }
    }

    /// <summary>Takes the windows closed since the last call (count reached, or interval over), oldest first.</summary>
    public List<ClosedWindow> TakeClosed()
    {
        lock (_gate)
        {
            List<ClosedWindow> closed = [.. _unpublished];
            _unpublished.Clear();
            return closed;
        }
    }

    /// <summary>Records a window the store has published (latest, history, gauges) and tells the subscribers, once.</summary>
    public void Publish(ClosedWindow window)
    {
        lock (_gate)
        {
            RecordClosedLocked(window.Window);
        }

        Tell(window.Window);
    }

    /// <summary>
    /// Drops every open window and every closed one not published yet (a step-down: the next leader joins their pairs
    /// again); returns how many windows were dropped.
    /// </summary>
    public int DiscardOpen()
    {
        lock (_gate)
        {
            int dropped = _unpublished.Count;
            _unpublished.Clear();
            foreach (WindowAccumulator window in _open.Values)
            {
                if (window.IsOpen)
                {
                    dropped++;
                }

                window.Reset();
            }

            return dropped;
        }
    }

    /// <summary>
    /// Replaces the closed windows shown by <see cref="GetLatest"/> with the fleet's published ones (oldest published
    /// first, as <see cref="Feedback.IFleetFeedbackQueue.ReadPublishedAsync"/> returns them). The gauges keep only what
    /// this replica published, so the fleet's metrics are exported once.
    /// </summary>
    public void ApplyFleetWindows(IReadOnlyList<QualityWindow> published)
    {
        lock (_gate)
        {
            _latestClosed.Clear();
            _history.Clear();
            foreach (QualityWindow window in published)
            {
                _latestClosed[(window.ModelVersion.Number, window.Variant)] = window;
            }

            int skip = Math.Max(0, published.Count - QualityLimits.HistoryLength);
            for (int i = skip; i < published.Count; i++)
            {
                _history.Enqueue(published[i]);
            }
        }
    }

    private static void Remember(WindowAccumulator window, long position)
    {
        if (position >= 0)
        {
            window.Positions.Add(position);
        }
    }
}
