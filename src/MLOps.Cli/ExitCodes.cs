namespace MLOps.Cli;

/// <summary>The process exit codes of <c>mlops</c> (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary><c>mlops drift</c> found dataset drift: a CI gate fails on it.</summary>
    public const int DriftDetected = 1;

    /// <summary>A usage or input error: bad arguments, a bad file, an unknown model, a stale revision, an unreachable registry.</summary>
    public const int UsageOrInputError = 2;

    /// <summary>A promotion gate refused the promotion.</summary>
    public const int RefusedByGate = 3;
}
