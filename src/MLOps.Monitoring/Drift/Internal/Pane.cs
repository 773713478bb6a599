namespace MLOps.Monitoring.Drift.Internal;

/// <summary>The current data of a window or of one part of a sliding window: one <see cref="PaneFeature"/> per compiled feature.</summary>
internal sealed class Pane
{
    public Pane(CompiledReference reference, int sampleCapacity, ulong seed)
    {
        Reference = reference;
        Features = new PaneFeature[reference.Features.Length];
        for (int i = 0; i < Features.Length; i++)
        {
            Features[i] = new PaneFeature(reference.Features[i], sampleCapacity, seed + (ulong)i);
        }
    }

    public CompiledReference Reference { get; }

    public PaneFeature[] Features { get; }

    public long Rows { get; set; }

    /// <summary>When the pane received its first row (<see cref="TimeProvider.GetTimestamp"/> units).</summary>
    public long StartTimestamp { get; set; }

    public DateTimeOffset StartTime { get; set; }

    /// <summary>The model version that served the rows (0 when not known).</summary>
    public int ModelVersion { get; set; }

    public void Reset()
    {
        Rows = 0;
        StartTimestamp = 0;
        StartTime = default;
        ModelVersion = 0;
        foreach (PaneFeature feature in Features)
        {
            feature.Reset();
        }
    }

    public void MergeFrom(Pane other)
    {
        if (Rows == 0)
        {
            StartTime = other.StartTime;
            StartTimestamp = other.StartTimestamp;
        }

        Rows += other.Rows;
        ModelVersion = other.ModelVersion;
        for (int i = 0; i < Features.Length; i++)
        {
            Features[i].MergeFrom(other.Features[i]);
        }
    }
}
