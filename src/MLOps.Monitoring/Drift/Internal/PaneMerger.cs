namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// Merges the closed windows of several replicas (or of one replica over time) into one pane: every count is the sum
/// of the parts' counts, so it equals the count over all their rows exactly, and each numeric feature's sample is a
/// uniform sample of the union (<see cref="ReservoirMerge"/>), as large as the reference's sample size allows.
/// </summary>
internal static class PaneMerger
{
    /// <summary>Merges <paramref name="parts"/> (panes of <paramref name="reference"/>) with a seeded sample merge.</summary>
    public static Pane Merge(CompiledReference reference, IReadOnlyList<Pane> parts, int seed)
    {
        var merged = new Pane(reference, 0, 0);
        foreach (Pane part in parts.OrderBy(p => p.StartTime))
        {
            if (!ReferenceEquals(part.Reference, reference))
            {
                throw new ArgumentException("Every part must be a pane of the reference it is merged against.", nameof(parts));
            }

            if (merged.Rows == 0)
            {
                merged.StartTime = part.StartTime;
            }

            merged.Rows += part.Rows;
            merged.ModelVersion = Math.Max(merged.ModelVersion, part.ModelVersion);
        }

        var sources = new (double[] Sample, long Weight)[parts.Count];
        for (int i = 0; i < reference.Features.Length; i++)
        {
            PaneFeature target = merged.Features[i];
            for (int p = 0; p < parts.Count; p++)
            {
                PaneFeature source = parts[p].Features[i];
                target.AddCounts(source);
                sources[p] = (source.Sample[..source.SampleCount], source.Seen);
            }

            if (reference.Features[i].IsNumeric)
            {
                int capacity = ReservoirMerge.Capacity(sources, reference.SampleCapacity);
                target.SetSample(ReservoirMerge.Merge(sources, capacity, seed + i), target.Seen);
            }
        }

        return merged;
    }
}
