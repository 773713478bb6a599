namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>
/// The arms of one model's rollout for one analysis window. A new window (new arms, counters at zero) starts with a new
/// rollout, a changed primary or candidate, a new step, or a restart; it is swapped in whole, so the prediction path
/// reads it without locks.
/// </summary>
internal sealed class RolloutWindow
{
    public RolloutWindow(Rollout rollout, DateTimeOffset start)
    {
        Key = KeyOf(rollout);
        Strategy = rollout.Strategy;
        Primary = new Arm(rollout.Primary, Variants.Primary);
        Candidate = new Arm(rollout.Candidate, rollout.Strategy == RolloutStrategy.Shadow ? Variants.Shadow : Variants.Candidate);
        Start = start;
    }

    public string Key { get; }

    public RolloutStrategy Strategy { get; }

    public Arm Primary { get; }

    public Arm Candidate { get; }

    public DateTimeOffset Start { get; }

    private string? _loadFailure;

    /// <summary>The error type of a failed load of the candidate in this window, or <see langword="null"/>.</summary>
    public string? LoadFailure => Volatile.Read(ref _loadFailure);

    public void MarkLoadFailed(string errorType) => Interlocked.CompareExchange(ref _loadFailure, errorType, null);

    /// <summary>The arm a served or mirrored prediction of <paramref name="version"/> belongs to.</summary>
    public Arm? Find(int version, bool shadow)
    {
        if (Strategy == RolloutStrategy.Shadow)
        {
            // The primary serves; the candidate only answers mirrored requests.
            return shadow ? Candidate.Version.Number == version ? Candidate : null
                : Primary.Version.Number == version ? Primary : null;
        }

        return shadow ? null
            : Candidate.Version.Number == version ? Candidate
            : Primary.Version.Number == version ? Primary
            : null;
    }

    /// <summary>
    /// What identifies a window: a change of any part starts a new one. A restart is known by the time of the latest
    /// <see cref="RolloutAction.Restarted"/> decision, not by counting them: the registry bounds the history, but always
    /// keeps the latest restart.
    /// </summary>
    public static string KeyOf(Rollout rollout)
    {
        long restartedAt = 0;
        for (int i = rollout.Decisions.Count - 1; i >= 0; i--)
        {
            if (rollout.Decisions[i].Action == RolloutAction.Restarted)
            {
                restartedAt = rollout.Decisions[i].Timestamp.UtcTicks;
                break;
            }
        }

        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{rollout.Id}/{rollout.Primary.Number}/{rollout.Candidate.Number}/{rollout.Step}/{restartedAt}");
    }
}
