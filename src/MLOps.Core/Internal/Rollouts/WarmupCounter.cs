namespace MLOps.Internal.Rollouts;

/// <summary>Counts down the warm-up predictions of one candidate in one rollout; shared by the arms that differ only in weight.</summary>
internal sealed class WarmupCounter(int predictions)
{
    private int _remaining = Math.Max(0, predictions);
    private int _failureLogged;

    public bool IsWarm => Volatile.Read(ref _remaining) <= 0;

    /// <summary>Counts one warm-up prediction; returns <see langword="true"/> for the one that completes the warm-up.</summary>
    public bool Count() => Interlocked.Decrement(ref _remaining) == 0;

    /// <summary>Returns <see langword="true"/> the first time only, so a failing warm-up is logged once per candidate.</summary>
    public bool FirstFailure() => Interlocked.Exchange(ref _failureLogged, 1) == 0;
}
