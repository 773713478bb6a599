namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// Merges uniform reservoir samples of disjoint streams into one uniform sample of their union. Each source is a
/// sample of <c>k_i</c> values drawn uniformly without replacement from the <c>N_i</c> values it stands for. The merge
/// draws one value at a time: a source with probability proportional to the values it still stands for
/// (<c>N_i</c> minus the values already drawn from it), then a value of that source's sample not drawn yet, uniformly.
/// The number of values drawn from each source then follows the multivariate hypergeometric law of drawing without
/// replacement from the union, and given those numbers each source contributes a uniform subset of its uniform sample,
/// so every subset of the union of the merged size is equally likely, provided no source is asked for more values
/// than its sample holds; <see cref="Capacity"/> picks a merged size for which that cannot happen.
/// </summary>
internal static class ReservoirMerge
{
    /// <summary>
    /// The largest merged sample size for which the merge is exactly uniform: at most <paramref name="target"/>, and no
    /// more than the smallest sample of a source that holds fewer values than it stands for (a complete source, whose
    /// sample is all its values, never runs out before its weight does).
    /// </summary>
    public static int Capacity(ReadOnlySpan<(double[] Sample, long Weight)> sources, int target)
    {
        long total = 0;
        int capacity = target;
        foreach ((double[] sample, long weight) in sources)
        {
            total += weight;
            if (sample.Length < weight)
            {
                capacity = Math.Min(capacity, sample.Length);
            }
        }

        return (int)Math.Min(capacity, total);
    }

    /// <summary>Draws <paramref name="capacity"/> values (fewer if the sources hold fewer) with a seeded generator.</summary>
    /// <param name="sources">Each source's sample and the number of values it stands for (at least its length).</param>
    /// <param name="capacity">The merged sample size wanted; use <see cref="Capacity"/> for an exactly uniform merge.</param>
    /// <param name="seed">The generator's seed: the same inputs and seed give the same sample.</param>
    public static double[] Merge(ReadOnlySpan<(double[] Sample, long Weight)> sources, int capacity, int seed)
    {
        var pools = new double[sources.Length][];
        var available = new int[sources.Length];
        var weights = new long[sources.Length];
        long total = 0;
        int held = 0;
        bool complete = true;
        for (int i = 0; i < sources.Length; i++)
        {
            (double[] sample, long weight) = sources[i];
            if (weight < sample.Length)
            {
                throw new ArgumentException($"A sample of {sample.Length} values cannot stand for {weight} values.", nameof(sources));
            }

            pools[i] = (double[])sample.Clone();
            available[i] = sample.Length;
            weights[i] = sample.Length == 0 ? 0 : weight;
            total += weights[i];
            held += sample.Length;
            complete &= sample.Length == weight;
        }

        if (complete && held <= capacity)
        {
            // Every value of the union is held: the union itself is the sample.
            var all = new double[held];
            int at = 0;
            foreach (double[] pool in pools)
            {
                pool.CopyTo(all, at);
                at += pool.Length;
            }

            return all;
        }

        var random = new Random(seed);
        var merged = new List<double>(Math.Min(capacity, held));
        while (merged.Count < capacity && total > 0)
        {
            long r = random.NextInt64(total);
            int source = 0;
            while (r >= weights[source])
            {
                r -= weights[source];
                source++;
            }

            double[] pool = pools[source];
            int pick = random.Next(available[source]);
            int last = --available[source];
            merged.Add(pool[pick]);
            pool[pick] = pool[last];

            // A source whose sample ran out stops being drawn (only possible above Capacity(...), where it biases the merge).
            long drop = available[source] == 0 ? weights[source] : 1;
            weights[source] -= drop;
            total -= drop;
        }

        return [.. merged];
    }
}
