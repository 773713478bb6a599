namespace MLOps;

/// <summary>The state of a <see cref="TrackedRun"/>.</summary>
public enum RunStatus
{
    /// <summary>The run was started and has not ended; parameters, metrics, dataset inputs and artifacts can be logged.</summary>
    Running = 0,

    /// <summary>The run ended successfully.</summary>
    Finished = 1,

    /// <summary>The run ended with an error (see <see cref="TrackedRun.Error"/>).</summary>
    Failed = 2,

    /// <summary>The run was stopped before it completed (for example cancelled).</summary>
    Killed = 3,
}
