namespace MLOps;

/// <summary>
/// A condition a promotion must satisfy; evaluated by the registry inside the same critical section that moves the
/// alias. Derive from it for custom gates; the built-in ones are <see cref="MetricThresholdGate"/>,
/// <see cref="BeatCurrentHolderGate"/> and <see cref="ApprovalRequiredGate"/>.
/// </summary>
public abstract class PromotionGate
{
    /// <summary>Gets a short description of the gate for errors and audit events, such as <c>metric r2 &gt;= 0.8</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Evaluates the gate.</summary>
    /// <param name="context">The candidate version, the current holder of the alias and the recorded approvals.</param>
    /// <returns><see langword="null"/> if the gate passes, otherwise why it failed.</returns>
    public abstract string? Evaluate(PromotionGateContext context);
}
