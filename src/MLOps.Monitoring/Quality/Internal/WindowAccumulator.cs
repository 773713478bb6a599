namespace MLOps.Monitoring.Quality.Internal;

/// <summary>The open window of one model version and variant (guarded by its tracker's lock).</summary>
internal sealed class WindowAccumulator(ModelVersion version, string variant)
{
    public ModelVersion Version { get; } = version;

    public string Variant { get; } = variant;

    public List<WindowPair> Pairs { get; } = [];

    /// <summary>Fleet mode: the queue positions counted into the window (scored, skipped or late), deleted when it is published.</summary>
    public List<long> Positions { get; } = [];

    public bool IsOpen { get; private set; }

    public DateTimeOffset Start { get; private set; }

    /// <summary>The end of a time window; <see cref="DateTimeOffset.MaxValue"/> for count windows.</summary>
    public DateTimeOffset End { get; private set; }

    public long Skipped { get; set; }

    public long Late { get; set; }

    public void Open(DateTimeOffset now, TimeSpan? duration)
    {
        if (duration is { } d)
        {
            long start = now.UtcTicks - (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % d.Ticks;
            Start = new DateTimeOffset(start, TimeSpan.Zero);
            End = Start + d;
        }
        else
        {
            Start = now;
            End = DateTimeOffset.MaxValue;
        }

        IsOpen = true;
    }

    public void Reset()
    {
        Pairs.Clear();
        Positions.Clear();
        Skipped = 0;
        Late = 0;
        IsOpen = false;
    }
}
