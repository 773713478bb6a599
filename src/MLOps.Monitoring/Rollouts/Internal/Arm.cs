namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>One arm of a rollout in the current analysis window: the version, its operational figures and its measures.</summary>
internal sealed class Arm(ModelVersion version, string variant)
{
    public ModelVersion Version { get; } = version;

    /// <summary>The variant the arm reports (<c>primary</c>, <c>candidate</c> or <c>shadow</c>).</summary>
    public string Variant { get; } = variant;

    public ArmRecorder Operations { get; } = new();

    /// <summary>The per-prediction quality measure of its served (or, for a shadow arm, mirrored) predictions.</summary>
    public MeasureAccumulator Measure { get; } = new();

    /// <summary>For a shadow arm: 1/0 agreement with the served prediction (classification).</summary>
    public MeasureAccumulator Agreement { get; } = new();

    /// <summary>For a shadow arm: absolute difference from the served prediction (regression).</summary>
    public MeasureAccumulator Difference { get; } = new();

    private int _drifted;

    public bool Drifted => Volatile.Read(ref _drifted) == 1;

    public void MarkDrifted() => Volatile.Write(ref _drifted, 1);
}
